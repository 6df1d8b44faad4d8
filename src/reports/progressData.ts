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

export function readProgressCounts(
  source: ReportSource,
  query: ProgressQuery,
  quizzes: readonly Quiz[],
): ProgressCounts {
  const filter: ReportFilter = {
    ...(query.hamletId !== undefined && { hamletId: query.hamletId }),
    ...(query.groupId !== undefined && { groupId: query.groupId }),
    ...(query.from !== undefined && { from: query.from }),
    ...(query.to !== undefined && { to: query.to }),
  };
  return {
    cohorts: source.cohortCompletions(filter),
    quizPasses: source.quizPasses(filter),
    weekly: source.weekly(filter),
    attempts: source.attemptCounts(filter),
    misses: source.questionMisses(filter, answerKeys(quizzes), MISS_WINDOW, MISS_LIMIT),
  };
}

export function progressReport(deps: ProgressDeps, query: ProgressQuery): ProgressReport {
  const quizzes = deps.quizzes();
  return buildProgressReport({
    commune: deps.commune(),
    quizzes,
    query,
    counts: readProgressCounts(deps.reports, query, quizzes),
    population: deps.population.population(),
    certified: deps.population.vneidCertified(),
    generatedAt: deps.clock.now().toISOString(),
    missWindow: MISS_WINDOW,
  });
}
