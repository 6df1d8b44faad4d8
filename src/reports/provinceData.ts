/**
 * @module reports/provinceData
 *
 * Reads the province view through the ports, commune by commune: each
 * commune's indicators come from buildProgressReport over that commune's own
 * counts, population and commune settings (its targets), exactly as its own
 * dashboard computes them for the whole commune and all time. Only what the
 * view shows is read: programme completions and this week's passes, not the
 * quiz and failed-question views a commune's report also carries.
 */
import type { Clock, MaybePromise } from '../core/ports.js';
import { communeDayOf, mondayOf } from '../core/communeTime.js';
import type { PopulationSource, ReportSource } from '../core/stores/reports.js';
import type { CommuneConfig } from '../content/loadCommune.js';
import { clampPlanYear, PLAN_INDICATORS } from './planIndicators.js';
import { buildProgressReport } from './progress.js';
import { MISS_WINDOW } from './progressData.js';
import { buildProvinceReport, type ProvinceCommuneInput, type ProvinceReport } from './provinceReport.js';

/** One commune as the province view reads it. */
export interface ProvinceCommune {
  readonly id: string;
  readonly reports: ReportSource;
  readonly population: PopulationSource;
  /** Its name, hamlets, groups and targets as they are in force now. */
  commune(): MaybePromise<CommuneConfig>;
}

export interface ProvinceDeps {
  /** Every commune the install knows (any order). */
  communes(): MaybePromise<readonly ProvinceCommune[]>;
  readonly clock: Clock;
}

/**
 * Communes are read one after another, not all at once: on PostgreSQL each
 * read is a transaction of its own, and a province of a hundred communes
 * should not take every connection of the pool.
 */
export async function provinceReport(deps: ProvinceDeps, year: number): Promise<ProvinceReport> {
  const now = deps.clock.now();
  const planYear = clampPlanYear(year);
  const weekStart = mondayOf(communeDayOf(now));
  const generatedAt = now.toISOString();
  const communes: ProvinceCommuneInput[] = [];
  for (const c of await deps.communes()) {
    const [commune, cohorts, weekly, population, certified] = await Promise.all([
      c.commune(),
      c.reports.cohortCompletions({}),
      c.reports.weekly({ from: weekStart }),
      c.population.population(),
      c.population.vneidCertified(),
    ]);
    const report = buildProgressReport({
      commune,
      quizzes: [],
      query: { year: planYear },
      counts: { cohorts, weekly, quizPasses: [], attempts: [], misses: [] },
      population,
      certified,
      generatedAt,
      missWindow: MISS_WINDOW,
    });
    communes.push({
      communeId: c.id,
      communeName: commune.name,
      indicators: report.indicators,
      passesThisWeek: report.weekly.reduce((sum, w) => sum + (w.weekStart === weekStart ? w.passes : 0), 0),
    });
  }
  return buildProvinceReport({
    year: planYear,
    generatedAt,
    weekStart,
    headers: PLAN_INDICATORS[planYear].map((p) => ({ letter: p.letter, label: p.label })),
    communes,
  });
}
