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
  return redactSensitive(
    value.replace(/\b(bot)?\d{6,}:[A-Za-z0-9_-]{20,}\b/g, '[token]').replace(/\bsk-[A-Za-z0-9_-]{10,}\b/g, '[key]'),
  ).text;
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
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(object)) out[k] = typeof v === 'string' ? redactForLog(v) : v;
          return out;
        },
      },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === 'string' ? redactForLog(a) : a)) as typeof args;
          method.apply(this, redacted);
        },
      },
    },
    destination ?? pino.destination(2),
  );
}
