/**
 * @module storage/sqlite/migrations
 *
 * Versioned schema changes, applied in order inside one transaction each and
 * recorded in `schema_migrations`, so an existing commune database is upgraded
 * in place at start-up without losing anything. Never edit a released
 * migration: add the next number instead.
 *
 * Every table carries `commune_id` from the first migration so that several
 * communes can later share one install without a data migration.
 */
import { m001Initial } from './001_initial.js';
import { m002CitizensQuizzes } from './002_citizens_quizzes.js';
import { m003Telegram } from './003_telegram.js';
import { m004Zalo } from './004_zalo.js';
import { m005Embeddings } from './005_embeddings.js';
import { m006UnansweredKind } from './006_unanswered_kind.js';
import { m007Erasure } from './007_erasure.js';
import { m008Health } from './008_health.js';
import { m009SessionsRetention } from './009_sessions_retention.js';
import { m010OutboxSending } from './010_outbox_sending.js';
import { m011Staff } from './011_staff.js';
import { m012CommuneSettings } from './012_commune_settings.js';
import { m013LearningLoop } from './013_learning_loop.js';
import { m014ReportDaily } from './014_report_daily.js';
import { m017Outbox } from './017_outbox.js';
import { m018StaffChatLinks } from './018_staff_chat_links.js';
import { m019ReportAttempts } from './019_report_attempts.js';
import { m020Handoff } from './020_handoff.js';
import { m021ProvinceRole } from './021_province_role.js';
import { m022Channels } from './022_channels.js';
import { m026OutboxPending } from './026_outbox_pending.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  m001Initial,
  m002CitizensQuizzes,
  m003Telegram,
  m004Zalo,
  m005Embeddings,
  m006UnansweredKind,
  m007Erasure,
  m008Health,
  m009SessionsRetention,
  m010OutboxSending,
  m011Staff,
  m012CommuneSettings,
  m013LearningLoop,
  m014ReportDaily,
  m017Outbox,
  m018StaffChatLinks,
  m019ReportAttempts,
  m020Handoff,
  m021ProvinceRole,
  m022Channels,
  m026OutboxPending,
];
