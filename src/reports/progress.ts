/**
 * @module reports/progress
 *
 * Builds the progress report against the plan's targets from counts the
 * storage already aggregated (progressData.ts gathers them): completions per
 * hamlet × target group, divided by the population staff entered, set
 * against the year's target from commune.yaml. Pure, so every figure can be
 * checked without a database. A share or a "met" is never made up: unknown
 * population gives null and a note in Vietnamese saying what to enter.
 */
import type {
  AttemptCount,
  CertifiedCount,
  PopulationCount,
  ProgrammeCount,
  QuestionMiss,
  QuizPassCount,
  WeekCount,
} from '../core/stores/reports.js';
import type { Quiz } from '../core/quiz/types.js';
import type { CommuneConfig } from '../content/loadCommune.js';
import { Denominators } from './denominators.js';
import { ADULTS_GROUP, clampPlanYear, PLAN_INDICATORS, PLAN_SECTION } from './planIndicators.js';
import { progressNotes } from './progressNotes.js';
import type {
  FailedQuestion,
  GroupProgress,
  HamletProgress,
  IndicatorRow,
  ProgressCell,
  ProgressQuery,
  ProgressReport,
  QuizProgress,
  Target,
} from './progressTypes.js';

/** Label for completions whose hamlet or group the resident has not given. */
export const UNKNOWN_LABEL = 'chưa rõ';

export interface ProgressCounts {
  readonly cohorts: readonly ProgrammeCount[];
  readonly quizPasses: readonly QuizPassCount[];
  readonly weekly: readonly WeekCount[];
  readonly attempts: readonly AttemptCount[];
  readonly misses: readonly QuestionMiss[];
}

export interface ProgressInput {
  readonly commune: CommuneConfig;
  /** The catalog, in the order staff know the quizzes. */
  readonly quizzes: readonly Quiz[];
  /** Already validated; `hamletId` already forced to a hamlet team's own hamlet. */
  readonly query: ProgressQuery;
  readonly counts: ProgressCounts;
  readonly population: readonly PopulationCount[];
  readonly certified: readonly CertifiedCount[];
  /** ISO timestamp from the injected clock. */
  readonly generatedAt: string;
  /** How many latest attempts the failed-question view covered (for its note). */
  readonly missWindow: number;
}

const byNumberAware = new Intl.Collator('vi', { numeric: true });

/** Listed ids in order, then ids only the data knows (sorted), then unknown (null) last when seen. */
function ordered(listed: readonly string[], seen: Iterable<string | null>): (string | null)[] {
  const known = new Set(listed);
  const extra = new Set<string>();
  let unknown = false;
  for (const id of seen) {
    if (id === null) unknown = true;
    else if (!known.has(id)) extra.add(id);
  }
  return [...listed, ...[...extra].sort(byNumberAware.compare), ...(unknown ? [null] : [])];
}

/**
 * A cell: `met` compares whole numbers (completed × 100 against percent ×
 * population), so 3 of 5 people is exactly 60% and not "trên 60%".
 */
export function cell(completed: number, population: number | null, target: Target | null): ProgressCell {
  const share = population !== null && population > 0 ? completed / population : null;
  let met: boolean | null = null;
  if (share !== null && target !== null && population !== null) {
    const lhs = completed * 100;
    const rhs = Math.round(target.share * 10_000) / 100;
    met = target.strict ? lhs > rhs * population : lhs >= rhs * population;
  }
  return { completed, population, share, target, met };
}

export function buildProgressReport(input: ProgressInput): ProgressReport {
  const { commune, query, counts } = input;
  const year = clampPlanYear(query.year);
  const yearTargets = commune.targets.find((t) => t.year === year);
  const targetOf = (groupId: string | null, strict = false): Target | null => {
    const percent = groupId === null ? undefined : yearTargets?.groups[groupId];
    return percent === undefined ? null : { share: percent / 100, strict };
  };
  const listedHamlets = commune.hamlets.map((h) => h.id);
  const dens = new Denominators(input.population, input.certified, listedHamlets);
  const hamletName = new Map(commune.hamlets.map((h) => [h.id, h.name]));
  const groupName = new Map(commune.groups.map((g) => [g.id, g.name]));
  const nameOf = (names: ReadonlyMap<string, string>, id: string | null): string =>
    id === null ? UNKNOWN_LABEL : (names.get(id) ?? `${id} (không có trong danh sách)`);

  const completed = new Map<string, number>();
  const k = (h: string | null, g: string | null): string => `${h ?? '\u0000'}\u0001${g ?? '\u0000'}`;
  for (const c of counts.cohorts)
    completed.set(k(c.hamletId, c.groupId), (completed.get(k(c.hamletId, c.groupId)) ?? 0) + c.completed);
  const done = (h: string | null, g: string | null): number => completed.get(k(h, g)) ?? 0;

  const hamletIds =
    query.hamletId !== undefined
      ? [query.hamletId]
      : ordered(
          listedHamlets,
          counts.cohorts.map((c) => c.hamletId),
        );
  const groupIds =
    query.groupId !== undefined
      ? [query.groupId]
      : ordered(
          commune.groups.map((g) => g.id),
          counts.cohorts.map((c) => c.groupId),
        );
  const knownGroups = groupIds.filter((g): g is string => g !== null);
  const scope = query.hamletId !== undefined ? [query.hamletId] : undefined;

  const hamlets: HamletProgress[] = hamletIds.map((h) => {
    const groups = groupIds.map((g) => ({
      groupId: g,
      groupName: nameOf(groupName, g),
      ...cell(done(h, g), dens.cell(h, g), targetOf(g)),
    }));
    const population = h === null ? null : dens.population([h], knownGroups).value;
    const sum = groups.reduce((a, c) => a + c.completed, 0);
    return { hamletId: h, hamletName: nameOf(hamletName, h), groups, ...cell(sum, population, null) };
  });

  const groups: GroupProgress[] = groupIds.map((g) => {
    const sum = hamletIds.reduce((a, h) => a + done(h, g), 0);
    const population = g === null ? null : dens.population(scope, [g]).value;
    return { groupId: g, groupName: nameOf(groupName, g), ...cell(sum, population, targetOf(g)) };
  });

  const totalDone = groups.reduce((a, g) => a + g.completed, 0);
  const total = cell(totalDone, dens.population(scope, knownGroups).value, null);

  const indicators: IndicatorRow[] = PLAN_INDICATORS[year]
    .filter((p) => query.groupId === undefined || (p.groupId ?? ADULTS_GROUP) === query.groupId)
    .map((p) => {
      if (p.groupId !== null) {
        const row = groups.find((g) => g.groupId === p.groupId);
        const population = dens.population(scope, [p.groupId]).value;
        return {
          letter: p.letter,
          label: p.label,
          groupId: p.groupId,
          ...cell(row?.completed ?? 0, population, targetOf(p.groupId, p.strict)),
        };
      }
      const certified = dens.vneidCertified(scope);
      const adults = dens.population(scope, [ADULTS_GROUP]).value;
      const percent = yearTargets?.vneidCertified;
      const target = percent === undefined ? null : { share: percent / 100, strict: p.strict };
      return {
        letter: p.letter,
        label: p.label,
        groupId: null,
        ...cell(certified ?? 0, certified === null ? null : adults, target),
      };
    });

  const quizTitle = new Map(input.quizzes.map((q) => [q.id, q.title]));
  const passed = new Map(counts.quizPasses.map((q) => [q.quizId, q.passed]));
  const failed = new Map(counts.attempts.map((a) => [a.quizId, a.failed]));
  const quizIds = ordered(
    input.quizzes.map((q) => q.id),
    [...passed.keys(), ...failed.keys()],
  ).filter((id): id is string => id !== null);
  const quizzes: QuizProgress[] = quizIds.map((id) => ({
    quizId: id,
    title: nameOf(quizTitle, id),
    passed: passed.get(id) ?? 0,
    failedAttempts: failed.get(id) ?? 0,
  }));

  const byId = new Map(input.quizzes.map((q) => [q.id, q]));
  const failedQuestions: FailedQuestion[] = counts.misses.flatMap((m) => {
    const question = byId.get(m.quizId)?.questions[m.index];
    return question
      ? [{ quizId: m.quizId, questionId: question.id, prompt: question.text, wrong: m.wrong, answered: m.answered }]
      : [];
  });

  const notes = progressNotes({
    commune,
    year,
    section: PLAN_SECTION[year],
    query,
    dens,
    scope,
    knownGroups,
    hasTargets: yearTargets !== undefined,
    certifiedKnown: dens.vneidCertified(scope) !== null,
    unknownHamletCompletions:
      query.hamletId === undefined ? (hamlets.find((h) => h.hamletId === null)?.completed ?? 0) : 0,
    missWindow: input.missWindow,
  });

  return {
    communeName: commune.name,
    query: { ...query, year },
    generatedAt: input.generatedAt,
    indicators,
    hamlets,
    groups,
    total,
    weekly: counts.weekly,
    quizzes,
    failedQuestions,
    notes,
  };
}
