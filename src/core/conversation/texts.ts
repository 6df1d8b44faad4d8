/**
 * @module core/conversation/texts
 *
 * What the assistant says outside of answers: welcome, help, thanks, the
 * warnings about secrets. One file so the voice stays consistent.
 */
import type { SensitiveKind } from '../text/sensitive.js';

export const WELCOME =
  'Xin chào bà con! Tôi là Hocvuso, trợ lý ảo của phong trào "Bình dân học vụ số" xã Hùng Châu.\n' +
  'Bà con cứ gõ câu hỏi về VNeID, dịch vụ công trực tuyến, kỹ năng số hay cách phòng tránh lừa đảo trên mạng, ' +
  'có dấu hay không dấu đều được. Mỗi câu trả lời đều ghi rõ nguồn.';

export const HELP =
  'Tôi có thể giúp bà con:\n' +
  '• Trả lời câu hỏi về VNeID, dịch vụ công trực tuyến, kỹ năng số và an toàn trên mạng (gõ câu hỏi như nhắn tin bình thường).\n' +
  '• Giới thiệu phong trào Bình dân học vụ số và kế hoạch của xã.\n' +
  'Khi không chắc chắn, tôi sẽ nói rõ và chỉ chỗ để hỏi. Tôi không bao giờ hỏi mật khẩu, mã OTP hay số căn cước của bà con.\n' +
  'Chọn một chủ đề bên dưới hoặc gõ câu hỏi nhé.';

export const THANKS = 'Dạ, không có gì ạ! Bà con cần hỏi thêm điều gì cứ nhắn cho tôi nhé.';

export const NONSENSE =
  'Xin lỗi, tôi chưa hiểu ý bà con. Bà con hãy gõ câu hỏi bằng chữ, ví dụ: "Quên mật khẩu VNeID thì làm sao?"';

export const ENGLISH =
  'Xin lỗi, hiện tôi chỉ trả lời bằng tiếng Việt. Bà con hãy gõ câu hỏi bằng tiếng Việt (có dấu hay không dấu đều được).\n' +
  'Sorry, I can only answer in Vietnamese for now.';

export const EMPTY = 'Bà con chưa nhập nội dung. Hãy gõ câu hỏi, ví dụ: "Làm sao đăng ký định danh mức 2?"';

export const TOO_LONG =
  'Tin nhắn khá dài nên tôi chỉ đọc phần đầu. Lần sau bà con hãy hỏi ngắn gọn từng ý để tôi trả lời chính xác hơn.';

export const STALE_CHOICE = 'Lựa chọn này không còn dùng được nữa. Bà con hãy chọn lại bên dưới hoặc gõ câu hỏi nhé.';

/** A typed number that matches none of the offered choices. */
export function numberOutOfRange(count: number): string {
  return count === 1
    ? 'Chỉ có một lựa chọn: bà con gõ 1 hoặc bấm nút bên dưới.'
    : `Bà con gõ một số từ 1 đến ${count}, hoặc bấm nút bên dưới.`;
}

/**
 * The answer to a personal request (results, data, a link code, the profile
 * form) made in a group chat. `link`, when the channel knows one, is where
 * to write to the assistant privately.
 */
export function privateOnly(link?: string): string {
  const where = link ? ` tại ${link}` : '';
  return `Kết quả và dữ liệu cá nhân chỉ xem được khi nhắn riêng với trợ lý${where}. Bà con mở cuộc trò chuyện riêng rồi gõ lại lệnh nhé.`;
}

export const MENU_PROMPT = 'Bà con có thể hỏi một trong các câu sau, hoặc gõ câu hỏi của mình:';
export const MENU_EMPTY = 'Bà con cứ gõ câu hỏi về chủ đề này, tôi sẽ tìm trong tài liệu của xã.';

const SECRET_NAMES: Record<SensitiveKind, string> = {
  password: 'mật khẩu/passcode',
  otp: 'mã OTP',
  'id-number': 'số căn cước/định danh',
  phone: 'số điện thoại',
  'bank-account': 'số tài khoản ngân hàng',
  card: 'số thẻ ngân hàng',
};

/** Warning shown when a message contained a secret; the secret itself is never repeated. */
export function secretWarning(kinds: readonly SensitiveKind[]): string {
  const names = kinds.map((k) => SECRET_NAMES[k]).join(', ');
  return (
    `⚠️ Tin nhắn của bà con có chứa ${names}. Xin đừng gửi những thông tin này cho bất kỳ ai, kể cả trợ lý này ` +
    'hay người xưng là cán bộ, công an, ngân hàng. Tôi không lưu lại các thông tin đó. ' +
    'Nếu đã lỡ đưa mật khẩu hay mã OTP cho người khác, bà con hãy đổi mật khẩu ngay.'
  );
}

export const FEEDBACK_QUESTION = 'Câu trả lời có giúp được bà con không?';
export const BTN_HELPFUL = '👍 Có';
export const BTN_NOT_HELPFUL = '👎 Chưa';
export const FEEDBACK_THANKS = 'Cảm ơn bà con đã cho biết! Bà con cần hỏi thêm điều gì cứ nhắn nhé.';
export const FEEDBACK_NOTHING = 'Cảm ơn bà con! Bà con cứ gõ câu hỏi, tôi sẽ tìm trong tài liệu của xã.';
export const FEEDBACK_SORRY =
  'Xin lỗi bà con vì câu trả lời chưa giúp được. Tôi đã ghi lại câu hỏi để cán bộ xã xem và bổ sung câu trả lời đúng.';
