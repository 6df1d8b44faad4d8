/**
 * @module core/stores/reports
 *
 * What a staff report reads: completion counts per hamlet, target group and
 * quiz. The counting is the storage's job (inside the database, so a
 * commune's million pass records never cross into JavaScript); the report
 * builders (src/reports) and the commands that export them see only this
 * port, so a second database can serve them unchanged.
 */

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

export interface ReportSource {
  /** One row per hamlet × group × quiz with at least one pass (anonymous counts of deleted citizens included). */
  completionCounts(): CompletionCount[];
  /** One row per hamlet × group with at least one completion of the programme. */
  programmeCounts(): ProgrammeCount[];
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
  population(): PopulationCount[];
  vneidCertified(): CertifiedCount[];
}
