/**
 * @module reports/progressTypes
 *
 * The shape of a progress report against the plan's targets: what
 * `GET /staff/api/report` returns as JSON, what the dashboard draws and what
 * the CSV and XLSX exports lay out. One type for all of them, so the numbers
 * a commune officer sees on the phone are the numbers in the file they send.
 *
 * Shares are fractions 0–1 (not percentages) and `null` when the population
 * is unknown (staff have not entered it) or zero: a share is never made up.
 */

/** The plan's indicator letters, section III (a–đ). */
export type IndicatorLetter = 'a' | 'b' | 'c' | 'd' | 'đ';

/** A target as the plan words it: "80%" is reached at 0.8; "trên 60%" (strict) only above 0.6. */
export interface Target {
  /** Fraction 0–1. */
  readonly share: number;
  /** True for the plan's "trên …%": equal is not enough. */
  readonly strict: boolean;
}

/** One count against its denominator and target. */
export interface ProgressCell {
  /** People who completed the programme (anonymous counts of erased residents included). */
  readonly completed: number;
  /** People staff entered for this hamlet and group; null while unknown. */
  readonly population: number | null;
  /** completed ÷ population, or null when the population is unknown or zero. */
  readonly share: number | null;
  /** The chosen year's target for this group, when the plan sets one. */
  readonly target: Target | null;
  /** Whether the target is reached; null when the share or the target is unknown. */
  readonly met: boolean | null;
}

/** One row of the plan's indicators for the chosen year (III.1 for 2025, III.2 for 2026). */
export interface IndicatorRow extends ProgressCell {
  readonly letter: IndicatorLetter;
  /** The indicator in the plan's words (Vietnamese). */
  readonly label: string;
  /** The target group it counts, or null for d (VNeID-certified adults, counted from staff figures). */
  readonly groupId: string | null;
}

export interface HamletProgress extends ProgressCell {
  /** null collects completions whose hamlet the resident has not given ("chưa rõ"). */
  readonly hamletId: string | null;
  readonly hamletName: string;
  /** One cell per target group, in the commune's group order. */
  readonly groups: readonly (ProgressCell & { readonly groupId: string | null; readonly groupName: string })[];
}

export interface GroupProgress extends ProgressCell {
  readonly groupId: string | null;
  readonly groupName: string;
}

export interface WeeklyCount {
  /** Monday of the week, YYYY-MM-DD (Asia/Ho_Chi_Minh). */
  readonly weekStart: string;
  /** Programme completions first recorded that week. */
  readonly completions: number;
  /** Quiz passes first recorded that week. */
  readonly passes: number;
}

export interface QuizProgress {
  readonly quizId: string;
  readonly title: string;
  readonly passed: number;
  /** Finished attempts that did not pass. */
  readonly failedAttempts: number;
}

/** A quiz question residents most often get wrong: what to teach at the next class. */
export interface FailedQuestion {
  readonly quizId: string;
  readonly questionId: string;
  readonly prompt: string;
  readonly wrong: number;
  readonly answered: number;
}

export interface ProgressQuery {
  /** Which year's targets: 2025 (III.1) or 2026 (III.2). */
  readonly year: number;
  readonly hamletId?: string;
  readonly groupId?: string;
  /** Inclusive, YYYY-MM-DD. */
  readonly from?: string;
  /** Inclusive, YYYY-MM-DD. */
  readonly to?: string;
}

export interface ProgressReport {
  readonly communeName: string;
  readonly query: ProgressQuery;
  /** ISO timestamp. */
  readonly generatedAt: string;
  readonly indicators: readonly IndicatorRow[];
  readonly hamlets: readonly HamletProgress[];
  readonly groups: readonly GroupProgress[];
  readonly total: ProgressCell;
  readonly weekly: readonly WeeklyCount[];
  readonly quizzes: readonly QuizProgress[];
  readonly failedQuestions: readonly FailedQuestion[];
  /** Plain Vietnamese notes for staff, e.g. "Chưa nhập dân số của Xóm 2: tỷ lệ chưa tính được." */
  readonly notes: readonly string[];
}
