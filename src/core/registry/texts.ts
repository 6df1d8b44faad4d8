/**
 * @module core/registry/texts
 *
 * The consent notice, the short profile form and the data-rights replies.
 * The consent text says exactly what is stored and why, and that every step
 * can be skipped.
 */
export const CONSENT =
  'Trước khi làm bài, xin phép bà con một việc: để xã đếm được bao nhiêu người đã học ở mỗi xóm, khối và nhóm đối tượng, ' +
  'trợ lý xin lưu tên gọi, xóm/khối, nhóm đối tượng, năm sinh và kết quả bài kiểm tra của bà con. ' +
  'Trợ lý không bao giờ hỏi mật khẩu, mã OTP hay số căn cước. Bà con có thể bỏ qua, kết quả vẫn được tính chung; ' +
  'và có thể xem hoặc xóa dữ liệu của mình bất cứ lúc nào bằng cách gõ "dữ liệu của tôi" hoặc "xóa dữ liệu của tôi".';
export const BTN_AGREE = 'Đồng ý';
export const BTN_SKIP_ALL = 'Bỏ qua';
export const BTN_SKIP = 'Bỏ qua câu này';

export const ASK_NAME = 'Bà con muốn trợ lý gọi mình là gì? (gõ tên gọi, ví dụ: Cô Lan)';
export const ASK_HAMLET = 'Bà con ở xóm/khối nào?';
export const ASK_GROUP = 'Bà con thuộc nhóm nào dưới đây?';
export const ASK_BIRTH_YEAR = 'Bà con sinh năm nào? (gõ 4 chữ số, ví dụ: 1975)';
export const BAD_NAME = 'Tên gọi chỉ nên gồm chữ, dài không quá 60 ký tự. Bà con gõ lại, hoặc bấm "Bỏ qua câu này".';
export const BAD_BIRTH_YEAR = 'Năm sinh chưa đúng. Bà con gõ 4 chữ số, ví dụ 1975, hoặc bấm "Bỏ qua câu này".';
export const PICK_FROM_LIST = 'Bà con chọn một mục trong danh sách (hoặc gõ số thứ tự), hoặc bấm "Bỏ qua câu này".';
export const FORM_DONE = 'Cảm ơn bà con! Thông tin đã được lưu.';
export const FORM_CLOSED =
  'Phần điền thông tin đã đóng. Muốn cập nhật, bà con gõ "dữ liệu của tôi" rồi chọn "Cập nhật thông tin".';
export const FORM_SKIPPED =
  'Dạ, trợ lý sẽ không lưu thông tin cá nhân. Kết quả bài kiểm tra vẫn được tính chung cho xã.';

export const DELETE_CONFIRM =
  'Bà con có chắc muốn xóa toàn bộ dữ liệu của mình (thông tin, kết quả bài kiểm tra, liên kết tài khoản, các câu hỏi đã gửi)? Việc này không thể hoàn tác.';
export const BTN_DELETE_YES = 'Xóa hẳn dữ liệu';
export const BTN_DELETE_NO = 'Không xóa';
export const DELETED = 'Đã xóa toàn bộ dữ liệu của bà con. Nếu quay lại, trợ lý sẽ coi như người mới.';
export const NOT_DELETED = 'Dạ, dữ liệu của bà con vẫn được giữ nguyên.';
export const NO_DATA = 'Trợ lý chưa lưu dữ liệu nào của bà con.';
export const BTN_MY_DATA = 'Dữ liệu của tôi';
export const BTN_UPDATE_PROFILE = 'Cập nhật thông tin';
export const BTN_DELETE = 'Xóa dữ liệu của tôi';
export const BTN_LINK = 'Liên kết tài khoản';

export function linkCode(code: string, minutes: number): string {
  return (
    `Mã liên kết của bà con: ${code}\n` +
    `Mã dùng một lần, hết hạn sau ${minutes} phút. Trên kênh còn lại (Zalo, Telegram hoặc trang web), bà con gõ: liên kết ${code}\n` +
    'Khi đó hai tài khoản sẽ được tính là một người, kết quả bài kiểm tra được gộp lại.'
  );
}
export const LINKED = 'Đã liên kết thành công! Kết quả và thông tin của bà con trên các kênh nay là một.';
export const LINK_UNKNOWN = 'Mã liên kết không đúng. Bà con kiểm tra lại từng ký tự (mã gồm 8 chữ và số).';
export const LINK_LOCKED =
  'Mã liên kết đã bị nhập sai nhiều lần. Để giữ an toàn cho tài khoản, bà con vui lòng đợi khoảng 10 phút rồi thử lại.';
export const LINK_EXPIRED = 'Mã liên kết đã hết hạn hoặc đã được dùng. Bà con tạo mã mới ở kênh kia nhé.';
export const LINK_SAME = 'Tài khoản này đã được liên kết với mã đó từ trước rồi.';

export interface DataView {
  readonly name?: string;
  readonly hamlet?: string;
  readonly group?: string;
  readonly birthYear?: number;
  readonly channels: readonly string[];
  readonly passed: number;
  readonly consent: string;
}

export function dataView(v: DataView): string {
  const dash = '(chưa có)';
  return [
    'Dữ liệu trợ lý đang lưu về bà con:',
    `• Tên gọi: ${v.name ?? dash}`,
    `• Xóm/khối: ${v.hamlet ?? dash}`,
    `• Nhóm đối tượng: ${v.group ?? dash}`,
    `• Năm sinh: ${v.birthYear ?? dash}`,
    `• Các kênh đã liên kết: ${v.channels.join(', ')}`,
    `• Số bài kiểm tra đã đạt: ${v.passed}`,
    `• Đồng ý lưu thông tin: ${v.consent}`,
  ].join('\n');
}
