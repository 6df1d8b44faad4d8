/**
 * @module core/stats/types
 *
 * The ports behind the emulation board ("thi đua") and the staff summary in
 * chat. The board ranks hamlets by the share of their people who completed the
 * programme, for everyone to see, so it carries counts and shares only and
 * never a person. The engine reads these ports and stays pure: the counting is
 * the storage's job, the population the staff's, and who counts as staff the
 * staff accounts' (a Telegram or Zalo user linked to an active staff account).
 */
import type { ChannelName } from '../messages.js';
import type { MaybePromise } from '../ports.js';

/** People who completed the programme in one hamlet; `hamletId` null when they have not said where they live. */
export interface HamletCompletions {
  readonly hamletId: string | null;
  readonly completed: number;
}

/** Completions counted from these instants on (ISO timestamps, UTC). */
export interface TallyBounds {
  readonly dayStart: string;
  readonly weekStart: string;
}

export interface CompletionTally {
  readonly today: number;
  readonly week: number;
  readonly total: number;
}

/** What storage counts for the board and the summary (anonymous counts of erased residents included). */
export interface CompletionStats {
  completionsPerHamlet(): MaybePromise<HamletCompletions[]>;
  tally(bounds: TallyBounds): MaybePromise<CompletionTally>;
}

/** One hamlet on the board. `rank` is null while its population is unknown: it cannot be compared fairly. */
export interface BoardRow {
  readonly rank: number | null;
  readonly hamletId: string;
  readonly hamletName: string;
  readonly completed: number;
  /** People staff entered for the hamlet (all groups); null while unknown. */
  readonly population: number | null;
  /** completed ÷ population, null when the population is unknown or zero. */
  readonly share: number | null;
}

export interface Ranking {
  /** Ranked hamlets first (best share first), then hamlets without population by count. */
  readonly rows: readonly BoardRow[];
  /** Completions of people who have not said their hamlet: shown apart, never ranked. */
  readonly unknownHamlet: number;
}

export interface Board extends Ranking {
  /** When the figures were counted (ISO timestamp): the board is counted at most once a minute. */
  readonly countedAt: string;
}

/** Answers the emulation board (public page, `/bangxephang` in chat). */
export interface Leaderboard {
  board(): MaybePromise<Board>;
}

/** Who is commune staff on a chat channel: a user id linked to a staff account. */
export interface StaffDirectory {
  isStaff(channel: ChannelName, userId: string): MaybePromise<boolean>;
}

/** Nobody is staff in chat (a composition without staff accounts): `/thongke` is refused politely. */
export const NO_STAFF: StaffDirectory = { isStaff: () => false };

/** A staff link code tried in chat: linked, or refused (`expired` also covers a spent code and a disabled account). */
export type StaffLinkOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: 'unknown' | 'expired' };

/**
 * Joins a chat identity to the staff account whose member asked the console
 * for a one-time code (`/canbo CODE`). The code arrives as typed (upper-cased,
 * separators dropped); how it is stored is the adapter's business.
 */
export interface StaffChatLinks {
  redeem(code: string, identity: { channel: ChannelName; userId: string }, now: Date): MaybePromise<StaffLinkOutcome>;
}

/** A target as the plan words it: "80%" is reached at 0.8; "trên 60%" (strict) only above 0.6. */
export interface SummaryTarget {
  readonly share: number;
  readonly strict: boolean;
}

/** Today's figures for a staff member asking `/thongke`. */
export interface ProgressSummary {
  readonly year: number;
  readonly today: number;
  readonly week: number;
  readonly total: number;
  /** Everyone staff entered, all hamlets and groups; null while unknown. */
  readonly population: number | null;
  readonly share: number | null;
  /** The year's target shared by the plan's groups; null when the year has none or they differ. */
  readonly target: SummaryTarget | null;
}

export interface SummarySource {
  summary(): MaybePromise<ProgressSummary>;
}
