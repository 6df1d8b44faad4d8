/**
 * @module staff/handoffSchemas
 *
 * What the "Hỏi cán bộ" pages accept: thread and message ids from the path
 * or a field, a reply or note of 1–2000 characters, the "Vẫn gửi" second
 * confirmation, and the "save as FAQ" form (the learning loop's own answer
 * form, so its limits and source fields are the same), each with the
 * Vietnamese sentence staff read when something is wrong.
 */
import { z } from 'zod';
import { MAX_STAFF_REPLY_CHARS } from '../core/handoff/service.js';
import { AnswerSchema } from './learningSchemas.js';

/**
 * The longest reply or note: the handoff service's limit, counted as it
 * counts (characters, so an emoji is one, not two UTF-16 units), so the form
 * never accepts what the service then refuses, or refuses what it accepts.
 */
export const MAX_HANDOFF_TEXT = MAX_STAFF_REPLY_CHARS;

const fits = (t: string): boolean => [...t].length <= MAX_HANDOFF_TEXT;

const id = (what: string) =>
  z
    .string({ error: `Thiếu mã ${what}.` })
    .regex(/^[1-9]\d{0,11}$/, `Mã ${what} không hợp lệ.`)
    .transform(Number);

export const ThreadIdSchema = id('cuộc trò chuyện');

const text = z
  .string({ error: 'Hãy nhập nội dung tin nhắn.' })
  .trim()
  .min(1, 'Hãy nhập nội dung tin nhắn.')
  .refine(fits, `Tin nhắn quá dài (tối đa ${MAX_HANDOFF_TEXT} ký tự).`);

/** "Vẫn gửi" sends confirmed=1; a JSON client may send true. */
const confirmed = z
  .union([z.boolean(), z.enum(['1', 'true', 'on', '0', 'false', ''])])
  .optional()
  .transform((v) => v === true || v === '1' || v === 'true' || v === 'on');

export const ReplySchema = z.object({ text, confirmed });
export const NoteSchema = z.object({
  text: z
    .string({ error: 'Hãy nhập nội dung ghi chú.' })
    .trim()
    .min(1, 'Hãy nhập nội dung ghi chú.')
    .refine(fits, `Ghi chú quá dài (tối đa ${MAX_HANDOFF_TEXT} ký tự).`),
});

export const FaqFromReplySchema = AnswerSchema.extend({ messageId: id('tin nhắn') });

/** Where the live feed starts: `sau` (a message id) or the Last-Event-ID header. */
export const AfterSchema = z
  .string()
  .regex(/^\d{1,12}$/, 'Mã tin nhắn bắt đầu không hợp lệ.')
  .transform(Number);

/** The first problem of a failed parse, as one sentence for staff. */
export function firstProblem(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'Dữ liệu gửi lên không hợp lệ.';
}
