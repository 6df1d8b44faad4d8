/**
 * @module core/stores/reports
 *
 * What a staff report reads: completion counts per hamlet, target group and
 * quiz. The counting is the storage's job (inside the database, so a
 * commune's million pass records never cross into JavaScript); the report
 * builders (src/reports) and the commands that export them see only this
 * port, so a second database can serve them unchanged. Every method may
 * answer now (SQLite) or later (PostgreSQL): callers await.
 */
import type { MaybePromise } from '../ports.js';

/** People who passed one quiz, for one hamlet and group; null means the profile does not say. */
export interface CompletionCount {
  readonly hamletId: string | null;
  readonly groupId: string | null;
  readonly quizId: string;
  readonly passed: number;
}

/** People who completed the programme (all core quizzes), for one hamlet and group. */
export interface ProgrammeCount {
  readonly hamletId: string | null;
  readonly groupId: string | null;
  readonly completed: number;
}

/**
 * What a progress report counts. Dates are inclusive local dates
 * (YYYY-MM-DD, Asia/Ho_Chi_Minh, UTC+7 all year): a pass recorded at
 * 2026-12-06T18:30Z counts on 2026-12-07. Anonymous counts of erased
 * residents carry only the UTC day they were recorded on, which is taken as
 * their local day (at most one day early, for passes between 00:00 and 07:00).
 */
export interface ReportFilter {
  readonly hamletId?: string;
  readonly groupId?: string;
  readonly from?: string;
  readonly to?: string;
}

/** Passes of one quiz within a filter. */
export interface QuizPassCount {
  readonly quizId: string;
  readonly passed: number;
}

/** Finished attempts of one quiz within a filter, by outcome. */
export interface AttemptCount {
  readonly quizId: string;
  readonly passed: number;
  readonly failed: number;
}

export interface WeekCount {
  /** Monday, YYYY-MM-DD, local. */
  readonly weekStart: string;
  readonly completions: number;
  readonly passes: number;
}

/** The right answers of the quiz version now in the catalog: question i is right when option answers[i] is chosen. */
export interface AnswerKey {
  readonly quizId: string;
  readonly version: string;
  readonly answers: readonly number[];
}

/** How often question `index` (bank order) of a quiz was answered, and answered wrong. */
export interface QuestionMiss {
  readonly quizId: string;
  readonly index: number;
  readonly wrong: number;
  readonly answered: number;
}

export interface ReportSource {
  /** One row per hamlet × group × quiz with at least one pass (anonymous counts of deleted citizens included). */
  completionCounts(): MaybePromise<CompletionCount[]>;
  /** One row per hamlet × group with at least one completion of the programme. */
  programmeCounts(): MaybePromise<ProgrammeCount[]>;
  /** Programme completions per hamlet × group within the filter (erased residents' anonymous counts included). */
  cohortCompletions(filter: ReportFilter): MaybePromise<ProgrammeCount[]>;
  /** Passes per quiz within the filter (erased residents' anonymous counts included). */
  quizPasses(filter: ReportFilter): MaybePromise<QuizPassCount[]>;
  /** Completions and passes per local week (Monday) within the filter, oldest first. */
  weekly(filter: ReportFilter): MaybePromise<WeekCount[]>;
  /**
   * Finished attempts per quiz within the filter. An attempt deleted later (with its erased
   * resident, or by retention) still counts: the summary keeps it as a count without a person
   * (SQLite migration 014, PostgreSQL 019b).
   */
  attemptCounts(filter: ReportFilter): MaybePromise<AttemptCount[]>;
  /**
   * Wrong answers per question over the latest `window` finished attempts
   * within the filter that were taken on the version in `keys`, most missed
   * first, at most `limit` rows.
   */
  questionMisses(
    filter: ReportFilter,
    keys: readonly AnswerKey[],
    window: number,
    limit: number,
  ): MaybePromise<QuestionMiss[]>;
}

/** People living in one hamlet who belong to one target group, as staff entered them. */
export interface PopulationCount {
  readonly hamletId: string;
  readonly groupId: string;
  readonly people: number;
}

/** Adults of one hamlet certified on VNeID as having completed the programme (plan §III d), as staff entered them. */
export interface CertifiedCount {
  readonly hamletId: string;
  readonly certified: number;
}

/**
 * The denominators staff enter (console or `cli population import`). Empty
 * until they do: every report then shows counts and says the share is unknown.
 */
export interface PopulationSource {
  population(): MaybePromise<PopulationCount[]>;
  vneidCertified(): MaybePromise<CertifiedCount[]>;
}
