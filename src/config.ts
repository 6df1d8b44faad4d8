/**
 * @module config
 *
 * Reads the service's settings from an environment-like object, once, with a
 * zod schema. Pure: `main.ts` and the CLI call it with `process.env`; tests call
 * it with a plain object. A bad value stops start-up with a message that names
 * the variable and what is wrong with it, instead of a crash deep inside later.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { decimalInteger } from './settingSchemas.js';
import { LIMITS_SETTINGS } from './limitsConfig.js';
import { isPostgresUrl, redactDatabaseUrl } from './databaseUrl.js';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const optionalUrl = (name: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), {
    message: `${name} phải là địa chỉ http(s) đầy đủ`,
  });

/** One DNS label: letters, digits and inner hyphens, 1–63 characters. */
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** Digits or 0x-hex parts: what the C library would read as an IPv4 address ("999.1.1.1", "0x7f.1"). */
const NUMERIC_LABEL = /^(?:\d+|0x[0-9a-f]*)$/i;

/**
 * An IP address literal, or a host name whose last label is not numeric.
 * Anything that only looks like an address ("999.1.1.1") is refused here,
 * naming HOST, instead of failing later in a DNS lookup that names nothing.
 */
export function isListenHost(value: string): boolean {
  if (isIP(value) !== 0) return true;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const labels = name.split('.');
  return (
    name.length > 0 &&
    name.length <= 253 &&
    labels.every((l) => LABEL.test(l)) &&
    !NUMERIC_LABEL.test(labels[labels.length - 1] ?? '')
  );
}

const host = z
  .string()
  .trim()
  // "[::1]" as written in a URL is the address ::1.
  .transform((v) => (v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v))
  .refine(
    isListenHost,
    'phải là địa chỉ IPv4 (vd. 0.0.0.0, 127.0.0.1), địa chỉ IPv6 (vd. ::, ::1) hoặc tên máy (vd. localhost)',
  );

export const ConfigSchema = z.object({
  PORT: decimalInteger(0, 65535, ' (0 = một cổng trống bất kỳ)').default(3000),
  HOST: host.default('0.0.0.0'),
  DATABASE_PATH: z.string().trim().min(1).default('data/hocvuso.db'),
  /** The key that seals tokens stored in the database (storage/secretKey.ts); by default `<DATABASE_PATH>.key`. */
  SECRETS_KEY_FILE: optionalString,
  /**
   * A PostgreSQL database (postgres://user:password@host:5432/db) for installs that serve many communes
   * (issue 20): when set, `npm start` and the command line run on it instead of DATABASE_PATH. A URL
   * needs a host, so the Unix socket is named in `host=` beside one ("…@localhost/db?host=%2Fvar%2Frun%2Fpostgresql").
   */
  DATABASE_URL: optionalString.refine((v) => v === undefined || isPostgresUrl(v), {
    message:
      'phải là địa chỉ PostgreSQL đầy đủ, bắt đầu bằng postgres:// hoặc postgresql:// và có tên máy ' +
      '(kết nối qua Unix socket thì viết postgres://người_dùng:mật_khẩu@localhost/tên_csdl?host=%2Fvar%2Frun%2Fpostgresql)',
  }),
  KNOWLEDGE_DIR: z.string().trim().min(1).default('knowledge'),
  COMMUNE_ID: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]+$/, 'chỉ gồm chữ thường không dấu, số và dấu gạch ngang')
    .default('hung-chau'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Optional OpenAI-compatible endpoint for dense retrieval (embeddings). */
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl('OPENAI_BASE_URL'),
  EMBEDDINGS_MODEL: optionalString,
  /** Optional language model (OpenAI-compatible chat completions) that answers from the retrieved passages. */
  LLM_MODEL: optionalString,
  LLM_TIMEOUT_MS: decimalInteger(1000, 120_000).default(15_000),
  /** Model requests per minute at most (answers and follow-up rewrites); past it the extractive answer goes out. */
  LLM_REQUESTS_PER_MINUTE: decimalInteger(0, 100_000, ' (0 = không giới hạn)').default(60),
  PROMPTS_DIR: z.string().trim().min(1).default('prompts'),
  /**
   * The address residents and staff reach this service at (e.g. https://hocvuso.example.org):
   * links sent to staff (password set-up) use it, and the console accepts forms from it.
   */
  PUBLIC_BASE_URL: optionalUrl('PUBLIC_BASE_URL').transform((v) => v?.replace(/\/+$/, '')),
  /** Largest request body accepted by the HTTP server, in bytes. */
  MAX_BODY_BYTES: decimalInteger(1024, 10_000_000).default(64_000),
  /** Web sessions, rate limits and retention (see limitsConfig.ts). */
  ...LIMITS_SETTINGS,
});

export type Config = z.infer<typeof ConfigSchema>;

/** Raised for invalid settings; `message` lists every bad variable. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid config: ${issues.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Settings whose value an error message must not repeat (it reaches logs and terminals). */
const SECRET_NAME = /SECRET|_KEY$|TOKEN|PASSWORD/;

/** Parses settings; unknown variables are ignored, empty strings count as unset. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v.trim() !== '') input[key] = v;
  }
  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const key = String(i.path[0]);
        // A mistyped secret is still a secret: the message names it, never shows it.
        const shown = SECRET_NAME.test(key)
          ? '(ẩn)'
          : key === 'DATABASE_URL'
            ? JSON.stringify(redactDatabaseUrl(input[key] ?? ''))
            : JSON.stringify(input[key] ?? '');
        return `${i.path.join('.')} = ${shown}: ${i.message}`;
      }),
    );
  }
  return result.data;
}

/**
 * The lines printed on stderr when start-up stops on a bad setting (exit
 * code 2), shared by `npm start` and the CLI so both say it the same way.
 */
export function describeConfigError(err: ConfigError): string {
  return `Cấu hình không hợp lệ, Hocvuso không khởi động (invalid configuration):\n${err.issues.map((i) => `  - ${i}`).join('\n')}\n`;
}

/** Dense retrieval is on only when both a key (or a local base URL) and a model are set. */
export function embeddingsEnabled(c: Config): boolean {
  return c.EMBEDDINGS_MODEL !== undefined && (c.OPENAI_API_KEY !== undefined || c.OPENAI_BASE_URL !== undefined);
}

/** The language model is on only when a model name and a key (or a local base URL) are set. */
export function llmEnabled(c: Config): boolean {
  return c.LLM_MODEL !== undefined && (c.OPENAI_API_KEY !== undefined || c.OPENAI_BASE_URL !== undefined);
}
