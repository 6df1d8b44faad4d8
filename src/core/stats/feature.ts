/**
 * @module core/stats/feature
 *
 * The emulation board and the staff summary in chat: `/bangxephang` (or
 * "bảng xếp hạng", with or without marks) answers everyone, on every channel;
 * `/thongke` answers only a user the staff directory knows, and politely
 * turns others away. Both are aggregate figures, never a person's data, so
 * they are answered in groups too.
 */
import type { OutgoingReply } from '../messages.js';
import type { Identity } from '../registry/types.js';
import { cleanText, foldMarks } from '../text/normalize.js';
import { boardText, STAFF_ONLY, summaryText } from './texts.js';
import type { Leaderboard, StaffChatLinks, StaffDirectory, SummarySource } from './types.js';

export const STATS_BOARD = 'stats:board';
export const STATS_TODAY = 'stats:today';

export interface StatsDeps {
  readonly leaderboard: Leaderboard;
  readonly staff: StaffDirectory;
  readonly summary: SummarySource;
  /** Redeems the one-time codes staff get in the console (`/canbo CODE`); without it `/canbo` is not understood. */
  readonly links?: StaffChatLinks;
}

/** The stats choice a typed text asks for ("/bangxephang", "bang xep hang", "/thongke"), if any. */
export function statsIntent(text: string): string | undefined {
  const t = foldMarks(cleanText(text))
    .replace(/[^a-z0-9/ ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (/^\/?(xem )?(bang ?xep ?hang|xep hang thi dua|bang thi dua)$/.test(t)) return STATS_BOARD;
  if (/^\/thong ?ke$/.test(t)) return STATS_TODAY;
  return undefined;
}

export interface StatsFeature {
  /** Replies for a stats choice; undefined for any other choice. */
  onChoice(identity: Identity, choice: string): Promise<OutgoingReply[] | undefined>;
}

export function createStatsFeature(deps: StatsDeps): StatsFeature {
  return {
    async onChoice(identity, choice) {
      if (choice === STATS_BOARD) return [{ kind: 'notice', text: boardText(await deps.leaderboard.board()) }];
      if (choice !== STATS_TODAY) return undefined;
      if (!(await deps.staff.isStaff(identity.channel, identity.userId))) return [{ kind: 'notice', text: STAFF_ONLY }];
      return [{ kind: 'notice', text: summaryText(await deps.summary.summary()) }];
    },
  };
}
