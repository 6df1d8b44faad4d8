/**
 * @module core/handoff/texts
 *
 * What residents and the staff group read about the handoff to a person: the
 * opening (with the commune's working hours only when staff filled them in,
 * never made up), the one acknowledgement, a staff reply's heading, the
 * return to the bot, and the offer after two unsure answers. One file so the
 * voice stays the same on every channel.
 */
import type { CommuneContacts } from '../registry/types.js';

/** The button (a number on Zalo) that asks for a person. */
export const BTN_ASK_PERSON = 'Gặp cán bộ xã';

/** Ends a sentence built around a value staff typed, without doubling their own full stop. */
function sentence(s: string): string {
  return /[.!?…]$/u.test(s) ? s : `${s}.`;
}

/**
 * When someone will answer: the one-stop office's hours as staff typed them,
 * else a polite line that names no hours.
 */
export function whenAnswered(contacts: CommuneContacts | undefined): string {
  const hours = contacts?.office?.hours;
  return hours
    ? sentence(
        `Cán bộ xã sẽ trả lời trong giờ làm việc (${hours}); tin nhắn gửi ngoài giờ sẽ được trả lời vào buổi làm việc tiếp theo`,
      )
    : 'Cán bộ xã sẽ trả lời bà con sớm nhất có thể trong giờ làm việc của xã.';
}

/** How a late answer reaches the resident, per channel: Zalo only delivers free within its window. */
function lateAnswers(channel: string): string | undefined {
  if (channel === 'zalo')
    return 'Nếu câu trả lời đến muộn mà bà con chưa thấy, bà con chỉ cần gửi một tin nhắn bất kỳ (ví dụ "ok") để nhận.';
  if (channel === 'web')
    return 'Bà con giữ trang này mở để nhận câu trả lời; nếu đã đóng trang, lần sau mở lại và gửi một tin nhắn bất kỳ để nhận.';
  return undefined;
}

/** The reply that opens a thread. */
export function opened(contacts: CommuneContacts | undefined, channel: string, quizSuspended: boolean): string {
  return [
    'Dạ, tôi đã chuyển cuộc trò chuyện cho cán bộ xã. Bà con cứ nhắn câu hỏi ở đây, cán bộ sẽ đọc và trả lời.',
    whenAnswered(contacts),
    lateAnswers(channel),
    quizSuspended
      ? 'Bài kiểm tra bà con đang làm dở được giữ lại, xong việc với cán bộ bà con làm tiếp được.'
      : undefined,
    'Trong lúc chờ, trợ lý ảo tạm dừng trả lời tự động.',
  ]
    .filter((l): l is string => l !== undefined)
    .join('\n');
}

/** Said once, at the resident's first message after the opening. */
export const ACKNOWLEDGED = 'Dạ, cán bộ xã đã nhận được tin nhắn của bà con và sẽ trả lời tại đây.';

/** A staff reply as the resident reads it: clearly from a person. */
export function staffReply(text: string): string {
  return `👤 Cán bộ xã trả lời:\n${text}`;
}

/** The end of a thread ("Xong"). */
export const CLOSED =
  'Cán bộ xã đã trả lời xong. Từ giờ trợ lý ảo lại trả lời bà con như trước; khi cần hỏi cán bộ, bà con gõ "gặp cán bộ".';

/** Added to an unsure answer after two in a row: the offer of a person. */
export const OFFER = `Nếu bà con muốn, tôi có thể chuyển câu hỏi cho cán bộ xã: bấm "${BTN_ASK_PERSON}".`;

/** A button pressed (or the web page reloaded) while a person owns the conversation. */
export const OWNED =
  'Cán bộ xã đang trả lời bà con trong cuộc trò chuyện này. Bà con cứ nhắn câu hỏi bằng chữ, cán bộ sẽ đọc và trả lời.';

/** The staff group's notice of a new thread: where from, never who. */
export function newThreadNotice(hamletName: string | undefined, channel: string): string {
  // Hamlet names are written whole in commune.yaml ("Xóm 1", "Khối Tân Tiến").
  const where = hamletName ?? 'chưa rõ xóm';
  return `Có câu hỏi mới cần cán bộ trả lời (${where}, kênh ${channelLabel(channel)}). Mời cán bộ mở trang quản trị để trả lời.`;
}

export function channelLabel(channel: string): string {
  if (channel === 'zalo') return 'Zalo';
  if (channel === 'telegram') return 'Telegram';
  if (channel === 'web') return 'trang web';
  return channel;
}
