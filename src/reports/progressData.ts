/**
 * @module reports/progressData
 *
 * Reads what a progress report needs through the ports (the counts, the
 * population staff entered) and hands it to the pure builder. The HTTP
 * module, the CLI and the benchmark all build reports through this one
 * function, so they cannot disagree on a figure.
 */
import type { Clock } from '../core/ports.js';
import type { Quiz } from '../core/quiz/types.js';
import type { AnswerKey, PopulationSource, ReportFilter, ReportSource } from '../core/stores/reports.js';
import type { CommuneConfig } from '../content/loadCommune.js';
import { buildProgressReport, type ProgressCounts } from './progress.js';
import type { ProgressQuery, ProgressReport } from './progressTypes.js';

/** Latest finished attempts the failed-question view reads: enough to see what a class gets wrong. */
export const MISS_WINDOW = 2_000;
/** Questions listed in the failed-question view. */
export const MISS_LIMIT = 20;

export interface ProgressDeps {
  readonly reports: ReportSource;
  readonly population: PopulationSource;
  readonly commune: () => CommuneConfig;
  readonly quizzes: () => readonly Quiz[];
  readonly clock: Clock;
}

export function answerKeys(quizzes: readonly Quiz[]): AnswerKey[] {
  return quizzes.map((q) => ({ quizId: q.id, version: q.version, answers: q.questions.map((x) => x.answer) }));
}

/** The five views a report counts, read together (each one query; on PostgreSQL each its own transaction). */
export async function readProgressCounts(
  source: ReportSource,
  query: ProgressQuery,
  quizzes: readonly Quiz[],
): Promise<ProgressCounts> {
  const filter: ReportFilter = {
    ...(query.hamletId !== undefined && { hamletId: query.hamletId }),
    ...(query.groupId !== undefined && { groupId: query.groupId }),
    ...(query.from !== undefined && { from: query.from }),
    ...(query.to !== undefined && { to: query.to }),
  };
  const [cohorts, quizPasses, weekly, attempts, misses] = await Promise.all([
    source.cohortCompletions(filter),
    source.quizPasses(filter),
    source.weekly(filter),
    source.attemptCounts(filter),
    source.questionMisses(filter, answerKeys(quizzes), MISS_WINDOW, MISS_LIMIT),
  ]);
  return { cohorts, quizPasses, weekly, attempts, misses };
}

export async function progressReport(deps: ProgressDeps, query: ProgressQuery): Promise<ProgressReport> {
  const quizzes = deps.quizzes();
  const [counts, population, certified] = await Promise.all([
    readProgressCounts(deps.reports, query, quizzes),
    deps.population.population(),
    deps.population.vneidCertified(),
  ]);
  return buildProgressReport({
    commune: deps.commune(),
    quizzes,
    query,
    counts,
    population,
    certified,
    generatedAt: deps.clock.now().toISOString(),
    missWindow: MISS_WINDOW,
  });
}
