/**
 * @module core/stats/staffLinkTexts
 *
 * What the assistant says to a staff member linking their chat to their
 * console account (`/canbo CODE`). Addressed as "anh/chị": only commune staff
 * get a code, from the console's "Tài khoản" page.
 */

/** Where a code comes from, in the words of the console's menu. */
const WHERE = 'mục “Tài khoản” của trang quản trị, nút “Liên kết Telegram/Zalo”';

const CHANNEL_LABELS: Readonly<Record<string, string>> = { telegram: 'Telegram', zalo: 'Zalo' };

export function staffLinked(channel: string): string {
  const label = CHANNEL_LABELS[channel] ?? channel;
  return (
    `Đã liên kết tài khoản ${label} này với tài khoản cán bộ của anh/chị. ` +
    'Từ nay anh/chị gõ /thongke để xem số liệu hoàn thành chương trình hôm nay. ' +
    'Muốn hủy liên kết, anh/chị vào mục “Tài khoản” của trang quản trị.'
  );
}

export const STAFF_CODE_HINT =
  `Để liên kết tài khoản cán bộ, anh/chị lấy mã ở ${WHERE}, ` +
  'rồi gõ /canbo và mã 8 ký tự đó (mã dùng một lần, trong 10 phút).';

export const STAFF_CODE_UNKNOWN =
  'Mã cán bộ không đúng. Anh/chị kiểm tra lại từng ký tự (mã gồm 8 chữ và số), ' + `hoặc lấy mã mới ở ${WHERE}.`;

export const STAFF_CODE_EXPIRED = `Mã cán bộ đã hết hạn hoặc đã được dùng. Anh/chị vui lòng lấy mã mới ở ${WHERE}.`;

export const STAFF_CODE_LOCKED =
  'Mã cán bộ đã bị nhập sai nhiều lần. Để giữ an toàn cho tài khoản, anh/chị vui lòng đợi khoảng 10 phút rồi thử lại.';

export const STAFF_CHANNEL_ONLY =
  'Tài khoản cán bộ chỉ liên kết được với Telegram hoặc Zalo. Anh/chị gửi mã cho trợ lý trên Telegram hoặc Zalo nhé.';
