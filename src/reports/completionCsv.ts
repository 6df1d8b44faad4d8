/**
 * @module reports/completionCsv
 *
 * The completion export staff open in Excel: how many people passed each
 * quiz, and completed the programme, per hamlet (xóm/khối) × target group.
 * Every listed hamlet × group gets a row for every quiz, zeros included, so a
 * hamlet that has not started yet shows up instead of silently missing; the
 * machine-id columns stay stable for staff who pivot or merge with population
 * figures. Ids that the commune's lists do not name (a hamlet removed from
 * commune.yaml, a retired quiz) still appear, so no completion is dropped.
 */
import type { CommuneInfo } from '../core/registry/types.js';
import type { CompletionCount, ProgrammeCount } from '../core/stores/reports.js';
import { csvDocument } from './csv.js';

/** Label for citizens who have not said which hamlet or group they belong to. */
export const UNKNOWN_LABEL = 'chưa rõ';

/** `quiz_id` of the row counting citizens who passed every core quiz. */
export const PROGRAMME_ID = 'programme';
export const PROGRAMME_LABEL = 'Hoàn thành chương trình (đạt tất cả bài cốt lõi)';

export const COMPLETION_HEADER = [
  'Xóm/khối',
  'Nhóm đối tượng',
  'Bài kiểm tra',
  'Số người đạt',
  'hamlet_id',
  'group_id',
  'quiz_id',
] as const;

export interface CompletionCsvInput {
  readonly commune: CommuneInfo;
  /** Quizzes in the order staff know them (the catalog's order). */
  readonly quizzes: readonly { readonly id: string; readonly title: string }[];
  readonly completions: readonly CompletionCount[];
  readonly programme: readonly ProgrammeCount[];
}

export interface CompletionCsv {
  /** The whole file, BOM included. */
  readonly text: string;
  /** Records below the header. */
  readonly rows: number;
}

/** Map keys for ids that may be null (unknown): the NUL byte cannot occur in an id. */
const NULL_KEY = '\u0000';
const keyOf = (id: string | null): string => id ?? NULL_KEY;

/** "xom-2" before "xom-10", as staff number their hamlets. */
const byNumberAware = new Intl.Collator('vi', { numeric: true });

/**
 * Ids in display order: the listed ones as listed, then ones only the data
 * knows (sorted), then "chưa rõ" last, when anybody is in it.
 */
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

/** Builds the export; pure, so the numbers can be checked without a database. */
export function buildCompletionCsv(input: CompletionCsvInput): CompletionCsv {
  const { commune, quizzes, completions, programme } = input;
  const hamletName = new Map(commune.hamlets.map((h) => [h.id, h.name]));
  const groupName = new Map(commune.groups.map((g) => [g.id, g.name]));
  const quizTitle = new Map(quizzes.map((q) => [q.id, q.title]));
  const label = (names: ReadonlyMap<string, string>, id: string | null): string =>
    id === null ? UNKNOWN_LABEL : (names.get(id) ?? `${id} (không có trong danh sách)`);

  const passed = new Map<string, number>();
  for (const c of completions) {
    const key = `${keyOf(c.hamletId)}\u0001${keyOf(c.groupId)}\u0001${c.quizId}`;
    passed.set(key, (passed.get(key) ?? 0) + c.passed);
  }
  const completed = new Map<string, number>();
  for (const p of programme) {
    const key = `${keyOf(p.hamletId)}\u0001${keyOf(p.groupId)}`;
    completed.set(key, (completed.get(key) ?? 0) + p.completed);
  }

  const all = [...completions, ...programme];
  const hamlets = ordered(
    commune.hamlets.map((h) => h.id),
    all.map((r) => r.hamletId),
  );
  const groups = ordered(
    commune.groups.map((g) => g.id),
    all.map((r) => r.groupId),
  );
  const listedQuizzes = quizzes.map((q) => q.id);
  const quizIds = ordered(
    listedQuizzes,
    completions.map((c) => c.quizId),
  ).filter((id): id is string => id !== null);

  const rows: (string | number)[][] = [];
  for (const hamlet of hamlets) {
    for (const group of groups) {
      const cohort = `${keyOf(hamlet)}\u0001${keyOf(group)}`;
      const hamletCell = label(hamletName, hamlet);
      const groupCell = label(groupName, group);
      for (const quiz of quizIds) {
        rows.push([
          hamletCell,
          groupCell,
          label(quizTitle, quiz),
          passed.get(`${cohort}\u0001${quiz}`) ?? 0,
          hamlet ?? '',
          group ?? '',
          quiz,
        ]);
      }
      rows.push([
        hamletCell,
        groupCell,
        PROGRAMME_LABEL,
        completed.get(cohort) ?? 0,
        hamlet ?? '',
        group ?? '',
        PROGRAMME_ID,
      ]);
    }
  }
  return { text: csvDocument(COMPLETION_HEADER, rows), rows: rows.length };
}
