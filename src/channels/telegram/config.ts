/**
 * @module channels/telegram/config
 *
 * The Telegram channel's own settings, parsed once from the environment. The
 * channel is off unless `TELEGRAM_BOT_TOKEN` is set, so the embedded default
 * (web chat only) needs nothing. The schema branches on the delivery mode: a
 * webhook needs a public URL and a secret, long polling needs neither, and a
 * bad value stops start-up with a `ConfigError` that names the variable
 * (never echoing the token or the secret into the log).
 */
import { z } from 'zod';
import { ConfigError } from '../../config.js';

/** What `setWebhook` accepts as `secret_token` (Bot API). */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
/** Variables whose value must never appear in an error message. */
const SECRET_VARIABLES = new Set(['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET']);

const httpUrl = (name: string) =>
  z
    .string({ message: 'bắt buộc khi TELEGRAM_MODE=webhook' })
    .trim()
    .regex(/^https?:\/\/[^\s/]+(?:\/[^\s]*)?$/, `${name} phải là địa chỉ http(s) đầy đủ`);

/** "id:poll,other:buttons" → { id: 'poll', other: 'buttons' } (the format is checked before). */
function parseQuizStyles(value: string): Readonly<Record<string, 'buttons' | 'poll'>> {
  const out: Record<string, 'buttons' | 'poll'> = {};
  for (const pair of value.split(',')) {
    const [id = '', style = ''] = pair.split(':').map((x) => x.trim());
    out[id] = style === 'poll' ? 'poll' : 'buttons';
  }
  return out;
}

const common = {
  TELEGRAM_BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^\d{1,20}:[A-Za-z0-9_-]{10,}$/, 'không đúng dạng mã bot của BotFather (số:chuỗi)'),
  TELEGRAM_API_ROOT: httpUrl('TELEGRAM_API_ROOT')
    .transform((v) => v.replace(/\/+$/, ''))
    .default('https://api.telegram.org'),
  TELEGRAM_QUIZ_STYLE: z.enum(['buttons', 'poll'], { message: 'chỉ nhận "buttons" hoặc "poll"' }).default('buttons'),
  TELEGRAM_QUIZ_STYLE_BY_QUIZ: z
    .string()
    .regex(
      /^\s*[A-Za-z0-9_-]+\s*:\s*(?:buttons|poll)\s*(?:,\s*[A-Za-z0-9_-]+\s*:\s*(?:buttons|poll)\s*)*$/,
      'viết dạng "mã-bài:poll,mã-bài-khác:buttons" (mã bài là trường id trong tệp bài kiểm tra)',
    )
    .transform(parseQuizStyles)
    .default({}),
  TELEGRAM_THROTTLE: z.enum(['on', 'off'], { message: 'chỉ nhận "on" hoặc "off"' }).default('on'),
  /** The staff group told of each new handoff thread (no name or number in the notice); none when unset. */
  TELEGRAM_STAFF_CHAT_ID: z
    .string()
    .regex(/^-?\d{1,16}$/, 'phải là mã số cuộc trò chuyện Telegram (số nguyên; mã nhóm thường bắt đầu bằng -100)')
    .transform(Number)
    .refine(
      Number.isSafeInteger,
      'dài quá: mã cuộc trò chuyện Telegram không dài đến thế, vui lòng chép lại từ Telegram',
    )
    .optional(),
};

export const TelegramConfigSchema = z.discriminatedUnion(
  'TELEGRAM_MODE',
  [
    z.object({ ...common, TELEGRAM_MODE: z.literal('polling') }),
    z.object({
      ...common,
      TELEGRAM_MODE: z.literal('webhook'),
      TELEGRAM_WEBHOOK_URL: httpUrl('TELEGRAM_WEBHOOK_URL'),
      TELEGRAM_WEBHOOK_SECRET: z
        .string({ message: 'bắt buộc khi TELEGRAM_MODE=webhook' })
        .regex(SECRET_PATTERN, 'phải gồm 1–256 ký tự A-Z, a-z, 0-9, "_" hoặc "-"'),
    }),
  ],
  { message: 'chỉ nhận "polling" hoặc "webhook"' },
);

export type TelegramConfig = z.infer<typeof TelegramConfigSchema>;
export type WebhookConfig = Extract<TelegramConfig, { TELEGRAM_MODE: 'webhook' }>;
export type QuizStyle = TelegramConfig['TELEGRAM_QUIZ_STYLE'];

const KEYS = [
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_MODE',
  'TELEGRAM_WEBHOOK_URL',
  'TELEGRAM_WEBHOOK_SECRET',
  'TELEGRAM_API_ROOT',
  'TELEGRAM_QUIZ_STYLE',
  'TELEGRAM_QUIZ_STYLE_BY_QUIZ',
  'TELEGRAM_THROTTLE',
  'TELEGRAM_STAFF_CHAT_ID',
] as const;

/**
 * Parses the Telegram settings; undefined when no token is set (channel off).
 * Empty strings count as unset, as in the main config.
 */
export function loadTelegramConfig(env: Record<string, string | undefined>): TelegramConfig | undefined {
  const input: Record<string, string> = {};
  for (const key of KEYS) {
    const v = env[key];
    if (v !== undefined && v.trim() !== '') input[key] = v.trim();
  }
  if (input.TELEGRAM_BOT_TOKEN === undefined) return undefined;
  input.TELEGRAM_MODE ??= 'polling';
  const result = TelegramConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? 'TELEGRAM_MODE');
      const shown = SECRET_VARIABLES.has(key) ? '(ẩn)' : JSON.stringify(input[key] ?? '');
      return `${key} = ${shown}: ${issue.message}`;
    }),
  );
}
