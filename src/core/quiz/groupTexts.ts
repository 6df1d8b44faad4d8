/**
 * @module core/quiz/groupTexts
 *
 * What the group quiz says (see groupQuiz.ts), in one place for staff to review.
 */

export const PICK = 'Chọn một bài để cả nhóm cùng làm. Đây là bài luyện tập: trợ lý không ghi kết quả của ai.';
export const NONE = 'Hiện chưa có bài kiểm tra nào để cả nhóm cùng làm.';
export const UNKNOWN = 'Không tìm thấy bài này. Gõ /quiznhom để chọn lại.';
export const NEXT_PROMPT = 'Khi mọi người đã trả lời xong, một người bấm nút dưới đây để xem đáp án:';
export const BTN_NEXT = 'Xem đáp án, sang câu tiếp ▶';
export const BTN_FINISH = 'Xem đáp án và kết thúc';

export function intro(title: string, count: number): string {
  return `Cả nhóm cùng làm bài "${title}" (${count} câu). Mỗi người tự chọn đáp án của mình.`;
}

export function answer(number: number, right: string, explanation: string): string {
  return `Đáp án câu ${number}: ${right}\n${explanation}`.trim();
}

export function finished(title: string): string {
  return (
    `Cả nhóm đã làm xong bài "${title}". Cảm ơn bà con! ` +
    'Muốn được ghi nhận đã hoàn thành, bà con nhắn riêng với trợ lý và gõ /quiz để làm bài của mình.'
  );
}
