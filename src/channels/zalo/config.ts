/**
 * @module channels/zalo/config
 *
 * The Zalo channel's own settings, parsed once with zod. Many facts about the
 * Zalo OA API are only MEDIUM or LOW confidence (../shared/facts/zalo.md), so
 * each such guess is a variable here with the documented value as default: if
 * the commune's real OA behaves differently, staff change a setting, not code.
 *
 * The channel is off unless one of its switching variables is set; once on,
 * a missing or bad value stops start-up with a ConfigError naming it.
 */
import { z } from 'zod';
import { ConfigError } from '../../config.js';
import { decimalInteger, flag } from '../../settingSchemas.js';

/** Setting any of these switches the channel on (then its required variables must be there too). */
const SWITCHES = [
  'ZALO_MODE',
  'ZALO_APP_ID',
  'ZALO_OA_SECRET_KEY',
  'ZALO_APP_SECRET',
  'ZALO_REFRESH_TOKEN',
  'ZALO_BOT_TOKEN',
] as const;

const url = (fallback: string) =>
  z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s]+$/, 'phải là địa chỉ http(s) đầy đủ')
    .transform((v) => v.replace(/\/+$/, ''))
    .default(fallback);

/** Comma-separated negative error codes, e.g. "-230,-232". */
const codes = (fallback: readonly number[]) =>
  z
    .string()
    .trim()
    .regex(/^\s*-?\d+(\s*,\s*-?\d+)*\s*$/, 'phải là danh sách mã lỗi cách nhau bởi dấu phẩy, ví dụ -230,-232')
    .transform((v) => v.split(',').map((c) => Number(c.trim())))
    .default([...fallback]);

const Common = {
  ZALO_FREE_WINDOW_HOURS: decimalInteger(1, 24 * 30).default(48),
  ZALO_MAX_WINDOW_DAYS: decimalInteger(1, 365).default(7),
  ZALO_ALLOW_BILLED: flag(false),
  /** Zalo's text limit (MEDIUM: 2,000 characters). */
  ZALO_TEXT_LIMIT: decimalInteger(200, 10_000).default(2000),
};

const OaSchema = z.object({
  ZALO_MODE: z.literal('oa'),
  ZALO_APP_ID: z.string().trim().regex(/^\d+$/, 'phải là dãy số (App ID trong trang Zalo for Developers)'),
  ZALO_OA_SECRET_KEY: z.string().trim().min(1, 'không được để trống'),
  ZALO_APP_SECRET: z.string().trim().min(1, 'không được để trống'),
  ZALO_REFRESH_TOKEN: z.string().trim().min(1).optional(),
  ZALO_API_BASE: url('https://openapi.zalo.me'),
  ZALO_OAUTH_BASE: url('https://oauth.zaloapp.com'),
  /** Largest accepted gap between an event's timestamp and now; 0 turns the check off. */
  ZALO_SIGNATURE_WINDOW_SECONDS: decimalInteger(0, 7 * 24 * 3600).default(300),
  /** Header name (MEDIUM). */
  ZALO_SIGNATURE_HEADER: z.string().trim().min(1).default('X-ZEvent-Signature'),
  ZALO_BUTTON_TEMPLATES: flag(false),
  /** Error codes by meaning (MEDIUM): a code Zalo uses differently is moved between lists here. */
  ZALO_CODES_TOKEN: codes([-216, -220]),
  ZALO_CODES_RATE_LIMIT: codes([-32, -234]),
  ZALO_CODES_HOLD: codes([-230, -232, -320, -321, -211, -218]),
  ZALO_CODES_NOT_FOLLOWER: codes([-213, -227]),
  ...Common,
});

const BotSchema = z.object({
  ZALO_MODE: z.literal('bot'),
  ZALO_BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^\S{8,}$/, 'phải là Bot Token do Zalo Bot Creator cấp'),
  ZALO_BOT_API_BASE: url('https://bot-api.zaloplatforms.com'),
  /** When set, updates arrive by webhook (checked against X-Bot-Api-Secret-Token); else long polling. */
  ZALO_BOT_WEBHOOK_SECRET: z.string().trim().min(8, 'phải dài 8–256 ký tự').max(256).optional(),
  /** Public HTTPS address of /webhooks/zalo; when set with the secret, registered with setWebhook at start. */
  ZALO_BOT_WEBHOOK_URL: z
    .string()
    .trim()
    .regex(/^https:\/\/[^\s]+$/, 'phải là địa chỉ https đầy đủ')
    .optional(),
  ...Common,
});

const ZaloSchema = z.discriminatedUnion('ZALO_MODE', [OaSchema, BotSchema]);

export type ZaloOaConfig = z.infer<typeof OaSchema>;
export type ZaloBotConfig = z.infer<typeof BotSchema>;
export type ZaloConfig = z.infer<typeof ZaloSchema>;

const KEYS = new Set<string>([...Object.keys(OaSchema.shape), ...Object.keys(BotSchema.shape)]);

/** The channel's settings, or undefined when none of its switching variables is set. */
export function loadZaloConfig(env: Record<string, string | undefined>): ZaloConfig | undefined {
  const input: Record<string, string> = {};
  for (const key of KEYS) {
    const v = env[key];
    if (v !== undefined && v.trim() !== '') input[key] = v.trim();
  }
  if (!SWITCHES.some((k) => input[k] !== undefined)) return undefined;
  input.ZALO_MODE ??= input.ZALO_BOT_TOKEN !== undefined && input.ZALO_APP_ID === undefined ? 'bot' : 'oa';
  const result = ZaloSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const key = String(i.path[0] ?? 'ZALO_MODE');
        const shown = /SECRET|TOKEN/.test(key) ? (input[key] ? '[đã đặt]' : '') : (input[key] ?? '');
        const message = i.code === 'invalid_union' ? 'phải là "oa" hoặc "bot"' : i.message;
        return `${key} = ${JSON.stringify(shown)}: ${input[key] === undefined ? 'chưa đặt (bắt buộc)' : message}`;
      }),
    );
  }
  return result.data;
}

/**
 * The settings of an OA kept as a channel row (`cli channel add zalo`): its
 * own keys, every other setting at its documented default. Throws a
 * ConfigError (naming no secret) when a stored value is unusable.
 */
export function zaloOaConfigOf(keys: {
  readonly appId: string;
  readonly oaSecretKey: string;
  readonly appSecret: string;
  readonly refreshToken?: string;
}): ZaloOaConfig {
  const result = OaSchema.safeParse({
    ZALO_MODE: 'oa',
    ZALO_APP_ID: keys.appId,
    ZALO_OA_SECRET_KEY: keys.oaSecretKey,
    ZALO_APP_SECRET: keys.appSecret,
    ...(keys.refreshToken !== undefined && { ZALO_REFRESH_TOKEN: keys.refreshToken }),
  });
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${String(i.path[0] ?? 'ZALO_MODE')}: ${i.message}`));
}
