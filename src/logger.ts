/**
 * @module logger
 *
 * The service's structured logger. Secrets and personal data never reach the
 * log: tokens and keys are dropped by path, and every string message passes
 * through the same redaction the engine uses for residents' text (phone
 * numbers, ID numbers, passwords, OTPs).
 */
import pino, { type Logger } from 'pino';
import { redactSensitive } from './core/text/sensitive.js';

export type { Logger };

/** Masks personal numbers and secrets inside a free-text value before it is logged. */
export function redactForLog(value: string): string {
  // Tokens first: the digit-run masking would otherwise eat a bot token's id and leave its secret half.
  // A password inside a URL (postgres://user:password@host/db, DATABASE_URL) is cut before anything else.
  return redactSensitive(
    value
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):\S*@(?=[^\s@]*(?:\s|$))/gi, '$1:***@')
      .replace(/([?&](?:ssl)?password=)[^\s&]+/gi, '$1***')
      .replace(/\b(bot)?\d{6,}:[A-Za-z0-9_-]{20,}\b/g, '[token]')
      .replace(/\bsk-[A-Za-z0-9_-]{10,}\b/g, '[key]'),
  ).text;
}

const SECRET_KEYS = new Set([
  'token',
  'accesstoken',
  'access_token',
  'refreshtoken',
  'refresh_token',
  'apikey',
  'password',
  'authorization',
  'secret',
  'secret_key',
  'oa_secret_key',
]);

/**
 * Masks every string inside a logged value, however deeply nested, and drops
 * fields whose name says they hold a secret. Errors become plain objects with
 * their message and stack masked too.
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactForLog(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: redactForLog(value.message),
      stack: value.stack ? redactForLog(value.stack) : undefined,
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.has(k.toLowerCase()) ? '[redacted]' : redactValue(v, depth + 1);
  }
  return out;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          '*.token',
          '*.accessToken',
          '*.access_token',
          '*.refreshToken',
          '*.apiKey',
          '*.password',
          '*.authorization',
          'headers.authorization',
          'headers["x-telegram-bot-api-secret-token"]',
          'config.OPENAI_API_KEY',
        ],
        censor: '[redacted]',
      },
      formatters: {
        // Free-text fields (a question, an error message) are masked like the message itself.
        log(object) {
          return redactValue(object) as Record<string, unknown>;
        },
      },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => redactValue(a)) as typeof args;
          method.apply(this, redacted);
        },
      },
    },
    destination ?? pino.destination(2),
  );
}
