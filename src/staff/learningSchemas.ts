/**
 * @module staff/learningSchemas
 *
 * What the learning loop's forms and JSON requests may carry, with the
 * Vietnamese message staff read when something is wrong. Both a browser form
 * (strings, a textarea of one wording per line, a checkbox "on") and a JSON
 * client (arrays, booleans) are accepted.
 */
import { z } from 'zod';

const text = (what: string, min: number, max: number) =>
  z
    .string({ error: `Thiếu ${what}.` })
    .trim()
    .min(min, `${what[0]?.toUpperCase()}${what.slice(1)} quá ngắn (ít nhất ${min} ký tự).`)
    .max(max, `${what[0]?.toUpperCase()}${what.slice(1)} quá dài (tối đa ${max} ký tự).`);

const optionalText = (what: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${what} quá dài (tối đa ${max} ký tự).`)
    .optional()
    .transform((v) => (v ? v : undefined));

/** One wording per line (form) or a list (JSON). */
const lines = z
  .union([z.array(z.string()), z.string()])
  .optional()
  .transform((v) => (Array.isArray(v) ? v : (v ?? '').split(/\r?\n/)).map((x) => x.trim()).filter((x) => x.length > 0))
  .refine((v) => v.length <= 50, 'Tối đa 50 cách hỏi khác.')
  .refine((v) => v.every((x) => x.length <= 300), 'Mỗi cách hỏi khác tối đa 300 ký tự.');

const checkbox = z
  .union([z.boolean(), z.enum(['on', 'true', '1', 'false', '0', ''])])
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true' || v === '1');

export const AnswerSchema = z.object({
  question: text('câu hỏi', 3, 300),
  variants: lines,
  answer: text('câu trả lời', 10, 2000),
  sourceKind: z.enum(['doc', 'url', 'decision'], {
    error: 'Hãy chọn loại nguồn: tài liệu, trang chính thức hoặc quyết định của xã.',
  }),
  sourceRef: optionalText('Mã tài liệu', 300),
  sourceUrl: optionalText('Địa chỉ trang', 500),
  sourceTitle: optionalText('Tên trang', 200),
  confirmUnlisted: checkbox,
  decisionTitle: optionalText('Tên văn bản', 300),
  signer: optionalText('Người ký', 120),
  signedOn: optionalText('Ngày ký', 10),
  reason: optionalText('Lý do', 500),
});

export const AttachSchema = z.object({
  faqId: z
    .string({ error: 'Hãy chọn câu hỏi thường gặp cần thêm cách hỏi.' })
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,80}$/, 'Mã câu hỏi thường gặp không hợp lệ.'),
  reason: optionalText('Lý do', 500),
});

export const IgnoreSchema = z.object({ reason: optionalText('Lý do', 500) });

export const FlagSchema = z
  .object({
    questionId: z.coerce
      .number({ error: 'Số câu hỏi không hợp lệ.' })
      .int('Số câu hỏi không hợp lệ.')
      .positive('Số câu hỏi không hợp lệ.')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    question: optionalText('Câu hỏi', 300),
    note: optionalText('Ghi chú', 300),
  })
  .refine((v) => v.questionId !== undefined || (v.question !== undefined && v.question.length >= 3), {
    message: 'Hãy ghi câu hỏi cần đánh dấu (ít nhất 3 ký tự).',
  });

export const RevertSchema = z.object({ reason: text('lý do hoàn tác', 3, 500) });

export const GroupIdSchema = z.string().regex(/^q:[uf]\d{1,12}$/, 'Mã nhóm câu hỏi không hợp lệ.');
export const EntryIdSchema = z.string().regex(/^console_\d{1,9}$/, 'Mã câu trả lời không hợp lệ.');

export const GroupsQuerySchema = z.object({
  state: z
    .enum(['open', 'ignored', 'answered'], { error: 'Trạng thái nhóm chỉ là open, ignored hoặc answered.' })
    .default('open'),
  limit: z.coerce.number().int().min(1, 'limit từ 1 đến 100.').max(100, 'limit từ 1 đến 100.').default(30),
});

export const WeeklyQuerySchema = z.object({
  weeks: z.coerce.number().int().min(1, 'weeks từ 1 đến 52.').max(52, 'weeks từ 1 đến 52.').default(8),
});

/** The first problem of a failed parse, as one sentence for staff. */
export function firstProblem(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'Dữ liệu gửi lên không hợp lệ.';
}
