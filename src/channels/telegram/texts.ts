/**
 * @module channels/telegram/texts
 *
 * What the Telegram adapter says on its own, outside the engine: replies to
 * things only Telegram has (stickers, unknown slash commands, group privacy)
 * and the command menu. Kept in one place so staff can review the voice; the
 * engine's texts stay in the core.
 */
import { privateOnly as corePrivateOnly } from '../../core/conversation/texts.js';

export const MEDIA_NOT_READ =
  'Trợ lý hiện chỉ đọc được tin nhắn chữ. Bà con gõ câu hỏi bằng chữ, hoặc gõ /quiz để làm bài kiểm tra, /help để xem hướng dẫn.';

export const UNKNOWN_COMMAND =
  'Trợ lý chưa hiểu lệnh này. Các lệnh dùng được: /start, /quiz (làm bài kiểm tra), /ketqua (kết quả của tôi), ' +
  '/hoi <câu hỏi>, /nguoi (hỏi trực tiếp cán bộ xã), /bangxephang (bảng xếp hạng thi đua), ' +
  '/lienket (liên kết tài khoản), /xoadulieu (xóa dữ liệu), /help (hướng dẫn).';

export const GROUP_QUIZ_IN_GROUP =
  'Lệnh /quiznhom dùng trong nhóm, để cả nhóm cùng làm một bài luyện tập. Ở đây bà con gõ /quiz để làm bài của mình.';

export const ASK_HINT = 'Bà con gõ câu hỏi ngay sau lệnh, ví dụ: /hoi cách kích hoạt tài khoản VNeID mức 2';

/** The engine's pointer to the private chat (core/conversation/texts), with the link Telegram knows. */
export function privateOnly(username: string | undefined): string {
  return corePrivateOnly(username ? `https://t.me/${username}` : undefined);
}

export const PRIVATE_ONLY_ALERT = 'Mục này chỉ xem được khi nhắn riêng với trợ lý.';

export const EXPIRED_BUTTON = 'Nút này đã cũ. Bà con gõ /help để xem các mục mới nhất.';

export const SOMETHING_WENT_WRONG =
  'Xin lỗi, trợ lý đang gặp trục trặc nên chưa trả lời được. Bà con vui lòng thử lại sau ít phút.';

/** Marks the option the learner picked when a question message is edited in place. */
export function chosen(label: string): string {
  return `👉 Bà con chọn: ${label}`;
}

/** The slash-command menu, with Vietnamese descriptions (setMyCommands: 1–32 chars a-z0-9_, 1–256 chars). */
export const PRIVATE_COMMANDS: readonly { command: string; description: string }[] = [
  { command: 'start', description: 'Bắt đầu, xem giới thiệu' },
  { command: 'quiz', description: 'Làm bài kiểm tra kỹ năng số' },
  { command: 'ketqua', description: 'Xem kết quả của tôi' },
  { command: 'hoi', description: 'Hỏi về VNeID, dịch vụ công, kỹ năng số' },
  { command: 'nguoi', description: 'Hỏi trực tiếp cán bộ xã' },
  { command: 'bangxephang', description: 'Bảng xếp hạng thi đua giữa các xóm' },
  { command: 'lienket', description: 'Lấy mã liên kết với Zalo hoặc trang web' },
  { command: 'xoadulieu', description: 'Xóa dữ liệu của tôi' },
  { command: 'help', description: 'Hướng dẫn sử dụng' },
];

/** In groups only what is safe to show everyone is offered. */
export const GROUP_COMMANDS: readonly { command: string; description: string }[] = [
  ...PRIVATE_COMMANDS.filter((c) => ['quiz', 'hoi', 'bangxephang', 'help'].includes(c.command)),
  { command: 'quiznhom', description: 'Cả nhóm cùng làm một bài luyện tập' },
];
