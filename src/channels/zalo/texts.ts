/**
 * @module channels/zalo/texts
 *
 * What the Zalo adapter itself says (everything else comes from the engine):
 * the hint under a numbered list, and the replies to what the engine cannot
 * read. Kept together so the voice matches the core's texts.
 */

/** The line under a numbered list, e.g. "Bà con gõ số 1, 2, 3 hoặc 4 để chọn." */
export function choiceHint(count: number): string {
  if (count <= 1) return '👉 Bà con gõ số 1 để chọn.';
  if (count <= 5) {
    const numbers = Array.from({ length: count }, (_, i) => String(i + 1));
    return `👉 Bà con gõ số ${numbers.slice(0, -1).join(', ')} hoặc ${numbers[numbers.length - 1]} để chọn.`;
  }
  return `👉 Bà con gõ số từ 1 đến ${count} để chọn.`;
}

export const TEXT_ONLY =
  'Dạ, trợ lý mới chỉ đọc được tin nhắn chữ thôi ạ. Xin bà con hãy gõ câu hỏi, ' +
  'ví dụ: "Quên mật khẩu VNeID thì làm sao?"';

export const INFO_NOT_NEEDED =
  'Cảm ơn bà con. Trợ lý không cần và không lưu những thông tin này. ' +
  'Bà con cứ gõ câu hỏi về VNeID, dịch vụ công trực tuyến hay kỹ năng số nhé.';

export const TROUBLE = 'Xin lỗi, hệ thống đang gặp sự cố. Bà con vui lòng nhắn lại sau ít phút.';

/** Greets by the Zalo display name when the welcome starts with the generic greeting. */
export function greetByName(text: string, name: string | undefined): string {
  const clean = name
    ?.replace(/[\p{C}<>]/gu, '')
    .trim()
    .slice(0, 40);
  if (!clean) return text;
  return text.replace(/^Xin chào bà con!/, `Xin chào ${clean}!`);
}
