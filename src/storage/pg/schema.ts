/**
 * @module storage/pg/schema
 *
 * The tables as Kysely sees them: one interface per table, columns as the
 * code reads them (times are ISO strings, 0/1 flags and bigint columns are
 * numbers: see migrations/019a_baseline and pool.ts). `Generated<T>` marks a
 * column the database fills when an insert leaves it out (identity ids,
 * defaults). The same interfaces describe the SQLite tables, which have the
 * same names and columns, so they can type both dialects' queries.
 * schemaColumns.ts lists the same columns as a value, which test/pg/schemaParity.test.ts
 * checks against the live schema.
 */
import type { Generated } from 'kysely';

type Flag = 0 | 1;

export interface CommunesTable {
  id: string;
  name: string;
}
export interface MetaTable {
  commune_id: string;
  key: string;
  value: string;
}
export interface DocumentsTable {
  commune_id: string;
  ref: string;
  kind: 'doc' | 'faq';
  title: string;
  url: string | null;
  hash: string;
  meta_json: Generated<string>;
  indexed_at: string;
}
export interface ChunksTable {
  id: Generated<number>;
  commune_id: string;
  owner_ref: string;
  doc_ref: string;
  ord: number;
  heading: string;
  text: string;
}
export interface FaqEntriesTable {
  commune_id: string;
  id: string;
  file_ref: string;
  question: string;
  variants_json: string;
  answer: string;
  source_ref: string;
}
export interface ConversationStateTable {
  commune_id: string;
  channel: string;
  user_id: string;
  state_json: string;
  updated_at: string;
}
export interface UnansweredQuestionsTable {
  id: Generated<number>;
  commune_id: string;
  channel: string;
  question: string;
  best_ref: string | null;
  best_score: number | null;
  created_at: string;
  kind: Generated<string>;
  answer: string | null;
  user_id: string | null;
  flagged_by: string | null;
  flagged_at: string | null;
}
export interface CitizensTable {
  commune_id: string;
  id: string;
  consent: Generated<'unasked' | 'given' | 'declined'>;
  display_name: string | null;
  hamlet: string | null;
  target_group: string | null;
  birth_year: number | null;
  created_at: string;
  updated_at: string;
}
export interface CitizenIdentitiesTable {
  commune_id: string;
  channel: string;
  user_id: string;
  citizen_id: string;
  created_at: string;
}
export interface LinkCodesTable {
  commune_id: string;
  code: string;
  citizen_id: string;
  expires_at: string;
  used_at: string | null;
}
export interface QuizAttemptsTable {
  commune_id: string;
  id: string;
  citizen_id: string;
  quiz_id: string;
  quiz_version: string;
  status: 'active' | 'finished' | 'abandoned';
  current: number;
  correct: number;
  order_json: string;
  answers_json: string;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  score: number | null;
  passed: Flag | null;
}
export interface QuizPassesTable {
  commune_id: string;
  citizen_id: string;
  quiz_id: string;
  attempt_id: string;
  score: number;
  passed_at: string;
}
export interface ProgrammeCompletionsTable {
  commune_id: string;
  citizen_id: string;
  completed_at: string;
}
export interface TelegramProcessedUpdatesTable {
  commune_id: string;
  update_id: number;
  processed_at: string;
}
export interface TelegramSentPollsTable {
  commune_id: string;
  poll_id: string;
  telegram_user_id: string;
  chat_id: number;
  message_id: number;
  attempt_id: string;
  question_index: number;
  values_json: string;
  explained: Flag;
  sent_at: string;
}
export interface TelegramInactiveUsersTable {
  commune_id: string;
  chat_id: number;
  reason: string;
  since: string;
}
export interface TelegramCallbackValuesTable {
  commune_id: string;
  id: string;
  value: string;
  used_at: string;
}
export interface ZaloTokensTable {
  commune_id: string;
  app_id: string;
  access_token: string | null;
  refresh_token: string | null;
  expires_at: string | null;
  refreshed_at: string | null;
  env_seed_hash: string | null;
  last_error: string | null;
  last_error_at: string | null;
  updated_at: string;
}
export interface ZaloEventsTable {
  commune_id: string;
  event_key: string;
  user_id: string;
  event_json: string | null;
  received_at: string;
  handled_at: string | null;
}
export interface ZaloResidentsTable {
  commune_id: string;
  user_id: string;
  last_interaction_at: string | null;
  inactive: Generated<Flag>;
  inactive_reason: string | null;
  updated_at: string;
}
/** Install-wide: no commune_id, no row-level security. */
export interface EmbeddingsTable {
  model: string;
  text_hash: string;
  dims: number;
  vector: Buffer;
}
export interface AnonymousPassesTable {
  commune_id: string;
  hamlet: Generated<string>;
  target_group: Generated<string>;
  quiz_id: string;
  passed_on: string;
  passes: number;
}
export interface AnonymousCompletionsTable {
  commune_id: string;
  hamlet: Generated<string>;
  target_group: Generated<string>;
  completed_on: string;
  completions: number;
}
export interface HealthChecksTable {
  commune_id: string;
  checked_at: string;
}
/** Install-wide: no commune_id, no row-level security. */
export interface ServiceSecretsTable {
  name: string;
  value: string;
  created_at: string;
}
export interface StaffAccountsTable {
  commune_id: string;
  id: string;
  name: string;
  role: 'admin' | 'hamlet' | 'province';
  hamlet_id: string | null;
  password_hash: string | null;
  created_at: string;
  disabled_at: string | null;
}
export interface StaffSetupTokensTable {
  commune_id: string;
  token_hash: string;
  account_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
export interface StaffSessionsTable {
  commune_id: string;
  id_hash: string;
  account_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}
export interface StaffLoginFailuresTable {
  commune_id: string;
  kind: 'account' | 'network';
  key: string;
  at: string;
}
export interface StaffAuditTable {
  id: Generated<number>;
  commune_id: string;
  at: string;
  actor_id: string;
  action: string;
  target: string | null;
  details_json: Generated<string>;
}
export interface CommuneSettingsTable {
  commune_id: string;
  revision: Generated<number>;
  hamlets_saved: Generated<Flag>;
  contacts: string | null;
  updated_at: string;
  updated_by: string;
}
export interface CommuneHamletsTable {
  commune_id: string;
  id: string;
  name: string;
  position: number;
  created_at: string;
}
export interface PopulationTable {
  commune_id: string;
  hamlet_id: string;
  group_id: string;
  people: number;
  updated_at: string;
  updated_by: string;
}
export interface VneidCertifiedTable {
  commune_id: string;
  hamlet_id: string;
  certified: number;
  updated_at: string;
  updated_by: string;
}
export interface LearningFlagsTable {
  id: Generated<number>;
  commune_id: string;
  question: string;
  note: string | null;
  flagged_by: string;
  created_at: string;
}
export interface LearningGroupsTable {
  commune_id: string;
  id: string;
  status: 'ignored' | 'answered';
  anchor: string;
  entry_id: string | null;
  first_asked_at: string;
  decided_by: string;
  decided_at: string;
  reason: string | null;
}
export interface ConsoleFaqEntriesTable {
  commune_id: string;
  id: string;
  base_faq_id: string | null;
  created_by: string;
  created_at: string;
}
export interface ConsoleFaqRevisionsTable {
  commune_id: string;
  entry_id: string;
  revision: number;
  question: string;
  variants_json: string;
  answer: string;
  source_kind: 'doc' | 'url' | 'decision' | 'base';
  source_value: string;
  source_title: string | null;
  source_signer: string | null;
  source_date: string | null;
  author_id: string;
  created_at: string;
  reason: string;
  group_id: string | null;
  status: Generated<'active' | 'reverted'>;
  reverted_by: string | null;
  reverted_at: string | null;
  revert_reason: string | null;
}
export interface FaqExtraVariantsTable {
  commune_id: string;
  faq_id: string;
  variants_json: string;
}
export interface QuestionOutcomesTable {
  commune_id: string;
  day: string;
  asked: Generated<number>;
  unanswered: Generated<number>;
  by_console: Generated<number>;
}
/** Kept by triggers (migration 019b); the code only reads it. */
export interface ReportDailyTable {
  commune_id: string;
  kind: 'pass' | 'programme' | 'attempt_passed' | 'attempt_failed';
  day: string;
  week: string;
  hamlet: Generated<string>;
  target_group: Generated<string>;
  quiz_id: Generated<string>;
  n: number;
}
export interface OutboxTable {
  id: Generated<number>;
  commune_id: string;
  channel: string;
  user_id: string;
  payload_json: string | null;
  status: 'pending' | 'held' | 'sent' | 'failed';
  reason: string | null;
  attempts: Generated<number>;
  next_attempt_at: string;
  created_at: string;
  sending_at: string | null;
  sent_at: string | null;
  platform_message_id: string | null;
}
export interface TurnClaimsTable {
  commune_id: string;
  claim_key: string;
  claimed_at: string;
}
export interface StaffChatCodesTable {
  commune_id: string;
  code_hash: string;
  staff_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
export interface StaffChatLinksTable {
  commune_id: string;
  staff_id: string;
  channel: 'telegram' | 'zalo';
  user_id: string;
  linked_at: string;
}
/** Kept by triggers (migration 019b); the code only reads it. */
export interface ReportAttemptsTable {
  commune_id: string;
  attempt_id: string;
  citizen_id: string;
  hamlet: string | null;
  target_group: string | null;
  quiz_id: string;
  quiz_version: string;
  finished_at: string | null;
}
/** Kept by triggers (migration 019b); the code only reads it. */
export interface ReportCommuneDailyTable {
  commune_id: string;
  kind: string;
  day: string;
  week: string;
  quiz_id: Generated<string>;
  n: number;
}
/** Handoff to commune staff (migration 020): one resident's conversation while a person owns it. */
export interface HandoffThreadsTable {
  id: Generated<number>;
  commune_id: string;
  channel: string;
  user_id: string;
  citizen_id: string | null;
  hamlet_id: string | null;
  status: 'open' | 'closed';
  reason: 'asked' | 'offered';
  opened_at: string;
  closed_at: string | null;
  closed_by: string | null;
  assignee_id: string | null;
  last_at: string;
  unread: Generated<number>;
  suspended_quiz: string | null;
}
export interface HandoffMessagesTable {
  id: Generated<number>;
  commune_id: string;
  thread_id: number;
  author: 'resident' | 'staff' | 'note' | 'system';
  staff_id: string | null;
  text: string;
  at: string;
  delivery: Generated<'none' | 'pending' | 'held' | 'sent' | 'failed'>;
  outbox_id: number | null;
}

/** A channel's row (022): its secrets are sealed text (storage/secretBox.ts), never plaintext. */
export interface ChannelsTable {
  id: Generated<number>;
  commune_id: string;
  kind: 'telegram' | 'zalo';
  public_key: string;
  secrets: string;
  enabled: Generated<number>;
  created_at: string;
  disabled_at: string | null;
}

/** Every table of the schema, by its name. */
export interface Database {
  communes: CommunesTable;
  meta: MetaTable;
  documents: DocumentsTable;
  chunks: ChunksTable;
  faq_entries: FaqEntriesTable;
  conversation_state: ConversationStateTable;
  unanswered_questions: UnansweredQuestionsTable;
  citizens: CitizensTable;
  citizen_identities: CitizenIdentitiesTable;
  link_codes: LinkCodesTable;
  quiz_attempts: QuizAttemptsTable;
  quiz_passes: QuizPassesTable;
  programme_completions: ProgrammeCompletionsTable;
  telegram_processed_updates: TelegramProcessedUpdatesTable;
  telegram_sent_polls: TelegramSentPollsTable;
  telegram_inactive_users: TelegramInactiveUsersTable;
  telegram_callback_values: TelegramCallbackValuesTable;
  zalo_tokens: ZaloTokensTable;
  zalo_events: ZaloEventsTable;
  zalo_residents: ZaloResidentsTable;
  embeddings: EmbeddingsTable;
  anonymous_passes: AnonymousPassesTable;
  anonymous_completions: AnonymousCompletionsTable;
  health_checks: HealthChecksTable;
  service_secrets: ServiceSecretsTable;
  staff_accounts: StaffAccountsTable;
  staff_setup_tokens: StaffSetupTokensTable;
  staff_sessions: StaffSessionsTable;
  staff_login_failures: StaffLoginFailuresTable;
  staff_audit: StaffAuditTable;
  commune_settings: CommuneSettingsTable;
  commune_hamlets: CommuneHamletsTable;
  population: PopulationTable;
  vneid_certified: VneidCertifiedTable;
  learning_flags: LearningFlagsTable;
  learning_groups: LearningGroupsTable;
  console_faq_entries: ConsoleFaqEntriesTable;
  console_faq_revisions: ConsoleFaqRevisionsTable;
  faq_extra_variants: FaqExtraVariantsTable;
  question_outcomes: QuestionOutcomesTable;
  report_daily: ReportDailyTable;
  outbox: OutboxTable;
  turn_claims: TurnClaimsTable;
  staff_chat_codes: StaffChatCodesTable;
  staff_chat_links: StaffChatLinksTable;
  report_attempts: ReportAttemptsTable;
  report_commune_daily: ReportCommuneDailyTable;
  handoff_threads: HandoffThreadsTable;
  handoff_messages: HandoffMessagesTable;
  channels: ChannelsTable;
}
