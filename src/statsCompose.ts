/**
 * @module statsCompose
 *
 * The emulation board and the staff summary put together over the service's
 * counts, so the composition root wires them in one call: the engine takes
 * `engine` (for `/bangxephang` and `/thongke`), the HTTP app mounts a board
 * built on `leaderboard` at `/thi-dua`. Both read the same counted board.
 */
import type { CommuneConfig } from './content/loadCommune.js';
import type { Clock } from './core/ports.js';
import type { StatsDeps } from './core/stats/feature.js';
import { createLeaderboard, createSummarySource } from './core/stats/sources.js';
import {
  NO_STAFF,
  type CompletionStats,
  type Leaderboard,
  type StaffChatLinks,
  type StaffDirectory,
} from './core/stats/types.js';
import type { PopulationSource } from './core/stores/reports.js';

export interface StatsParts {
  readonly engine: StatsDeps;
  readonly leaderboard: Leaderboard;
}

export function statsParts(opts: {
  /** The completions counted (SqliteCompletionStats, or PgCompletionStats on PostgreSQL). */
  readonly stats: CompletionStats;
  /** Read at every count: hamlets and targets as the commune file says now. */
  readonly commune: () => Pick<CommuneConfig, 'hamlets' | 'targets'>;
  readonly population: PopulationSource;
  /** Chat users linked to active staff accounts (staff/chatLinks.ts); nobody when absent. */
  readonly staff?: StaffDirectory;
  /** Redeems the codes staff get in the console (`/canbo CODE`); without it `/canbo` is not understood. */
  readonly links?: StaffChatLinks;
  readonly clock: Clock;
}): StatsParts {
  const { stats } = opts;
  const leaderboard = createLeaderboard({
    stats,
    population: opts.population,
    hamlets: () => opts.commune().hamlets,
    clock: opts.clock,
  });
  const summary = createSummarySource({
    stats,
    population: opts.population,
    targets: () => opts.commune().targets,
    clock: opts.clock,
  });
  return {
    engine: { leaderboard, staff: opts.staff ?? NO_STAFF, summary, ...(opts.links && { links: opts.links }) },
    leaderboard,
  };
}
