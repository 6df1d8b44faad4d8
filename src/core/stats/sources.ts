/**
 * @module core/stats/sources
 *
 * The board and the staff summary, put together from three ports: counts from
 * storage, population from what staff entered, hamlets and targets from the
 * commune's file. Kept apart from the engine so the public page and the chat
 * answer the same numbers.
 */
import type { Clock } from '../ports.js';
import type { NamedItem } from '../registry/types.js';
import type { PopulationSource } from '../stores/reports.js';
import { communeYearOf } from '../communeTime.js';
import { localBounds } from './bounds.js';
import { rankHamlets } from './ranking.js';
import type { Board, CompletionStats, Leaderboard, SummarySource, SummaryTarget } from './types.js';

/** One year's targets as the commune file gives them: percentages 0–100 per group id. */
export interface YearGroupTargets {
  readonly year: number;
  readonly groups: Readonly<Record<string, number>>;
}

/**
 * The board, counted at most once every `maxAgeSeconds` (60 by default): it
 * is public and answered in every chat, so a crowd asking at once costs one
 * count, and a completion shows within a minute.
 */
export function createLeaderboard(deps: {
  readonly stats: CompletionStats;
  readonly population: PopulationSource;
  /** Read at every count, so hamlets staff add in the console appear without a restart. */
  readonly hamlets: () => readonly NamedItem[];
  readonly clock: Clock;
  readonly maxAgeSeconds?: number;
}): Leaderboard {
  const maxAgeMs = (deps.maxAgeSeconds ?? 60) * 1000;
  let cached: { board: Board; at: number } | undefined;
  return {
    async board() {
      const now = deps.clock.now().getTime();
      // A clock set back (tests, a corrected system clock) counts again rather than serving the future.
      if (cached && now - cached.at < maxAgeMs && now >= cached.at) return cached.board;
      const [completions, population] = await Promise.all([
        deps.stats.completionsPerHamlet(),
        deps.population.population(),
      ]);
      const ranking = rankHamlets(deps.hamlets(), completions, population);
      const board: Board = { ...ranking, countedAt: new Date(now).toISOString() };
      cached = { board, at: now };
      return board;
    },
  };
}

/**
 * The target the plan sets for every group that year (80% in 2025, 100% in
 * 2026), or null when the groups' targets differ: one figure would then
 * misstate some of them, and the dashboard shows them group by group.
 */
export function commonTarget(targets: readonly YearGroupTargets[], year: number): SummaryTarget | null {
  const values = Object.values(targets.find((t) => t.year === year)?.groups ?? {});
  const first = values[0];
  if (first === undefined || values.some((v) => v !== first)) return null;
  return { share: first / 100, strict: false };
}

export function createSummarySource(deps: {
  readonly stats: CompletionStats;
  readonly population: PopulationSource;
  /** Read at every summary, like the commune file it comes from. */
  readonly targets: () => readonly YearGroupTargets[];
  readonly clock: Clock;
}): SummarySource {
  return {
    async summary() {
      const now = deps.clock.now();
      const year = communeYearOf(now);
      const [tally, rows] = await Promise.all([deps.stats.tally(localBounds(now)), deps.population.population()]);
      const people = rows.reduce((sum, r) => sum + r.people, 0);
      const population = rows.length > 0 ? people : null;
      return {
        year,
        ...tally,
        population,
        share: population !== null && population > 0 ? tally.total / population : null,
        target: commonTarget(deps.targets(), year),
      };
    },
  };
}
