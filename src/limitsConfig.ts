/**
 * @module limitsConfig
 *
 * The settings of web sessions, rate limits and retention, kept apart from
 * `config.ts` (which spreads them into its schema) so they read as one
 * group. Every number is plain decimal digits: `Number()` would take "0x1e"
 * or "1e3" without a word.
 */
import { z } from 'zod';
import { decimalInteger, flag } from './settingSchemas.js';

const count = (min: number, max: number, fallback: number) => decimalInteger(min, max).default(fallback);

export const LIMITS_SETTINGS = {
  /** Key of the web session cookies; generated and kept in the database when unset. */
  SESSION_SECRET: z.string().trim().min(32, 'phải dài ít nhất 32 ký tự (ví dụ: openssl rand -base64 48)').optional(),
  /** A reverse proxy of ours sets X-Forwarded-For: per-address limits use the client's address from it. */
  TRUST_PROXY: flag(false),
  /** Messages one person (web session, Telegram or Zalo user) may send per minute, on average. */
  RATE_LIMIT_PER_MINUTE: count(1, 10_000, 30),
  /** Messages one person may send at once after a pause. */
  RATE_LIMIT_BURST: count(1, 10_000, 20),
  /** Web messages one network address may send per minute (and at once): several people can share one. */
  RATE_LIMIT_IP_PER_MINUTE: count(1, 100_000, 60),
  /** Days an unanswered question stays in the staff log. */
  RETENTION_QUESTIONS_DAYS: count(1, 3650, 180),
  /** Days a silent conversation (where the resident was, the last answer) is kept. */
  RETENTION_CONVERSATIONS_DAYS: count(1, 3650, 90),
  /** Days at most that delivery records are kept (update ids, Zalo events, sent replies, spent link codes). */
  RETENTION_EVENTS_DAYS: count(1, 3650, 30),
  /** Days the staff console's audit log (sign-ins, exports, changes) is kept: two years, a full plan cycle. */
  RETENTION_AUDIT_DAYS: count(30, 3650, 730),
} as const;

/** The retention periods, in days, as the pruner takes them. */
export function retentionOf(config: {
  readonly RETENTION_QUESTIONS_DAYS: number;
  readonly RETENTION_CONVERSATIONS_DAYS: number;
  readonly RETENTION_EVENTS_DAYS: number;
  readonly RETENTION_AUDIT_DAYS: number;
}): { questions: number; conversations: number; events: number; audit: number } {
  return {
    questions: config.RETENTION_QUESTIONS_DAYS,
    conversations: config.RETENTION_CONVERSATIONS_DAYS,
    events: config.RETENTION_EVENTS_DAYS,
    audit: config.RETENTION_AUDIT_DAYS,
  };
}
