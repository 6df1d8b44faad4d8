/**
 * @module staff/learningGroups
 *
 * Describes the groups of unanswered questions for staff: the grouping
 * itself (core/learning/grouping, with decided groups as fixed leaders), then
 * per group how many questions and distinct residents, of which kinds, when,
 * the answer a resident marked 👎, and the distinct wordings. Shared by the
 * console and `cli unanswered --groups`. Who asked never leaves this file
 * except as a count.
 */
import { groupQuestions, type GroupSeed } from '../core/learning/grouping.js';
import { foldMarks } from '../core/text/normalize.js';
import type { GroupDecision, LearningQuestion } from '../core/stores/learning.js';

export type GroupState = 'open' | 'ignored' | 'answered';

export interface GroupView {
  readonly id: string;
  readonly state: GroupState;
  /** The question that stands for the group (its first, or the one staff decided on). */
  readonly representative: string;
  readonly questions: number;
  /** Distinct residents who asked (a question with no known asker counts as one). */
  readonly residents: number;
  /** How many questions of each kind: `miss`, `thumbs-down`, `flag`, `staff`. */
  readonly kinds: Readonly<Record<string, number>>;
  readonly firstAskedAt: string | null;
  readonly lastAskedAt: string | null;
  /** The latest answer a resident marked 👎, if any: what the assistant said. */
  readonly answerGiven: string | null;
  /** Distinct wordings, oldest first (at most 12). */
  readonly wordings: readonly string[];
  readonly entryId: string | null;
  readonly decidedAt: string | null;
  readonly reason: string | null;
  /** Questions asked after the decision (an answered group that still gets misses needs a look). */
  readonly sinceDecision: number;
}

const MAX_WORDINGS = 12;
export const foldKey = (t: string): string =>
  foldMarks(t)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

export function distinctWordings(texts: readonly string[], limit: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of texts) {
    const k = foldKey(t);
    if (!k || seen.has(k)) continue;
    seen.add(k);
    out.push(t.replace(/\s+/g, ' ').trim());
    if (out.length >= limit) break;
  }
  return out;
}

export interface DescribedGroups {
  readonly views: GroupView[];
  readonly members: Map<string, LearningQuestion[]>;
}

/** Groups and describes the questions, most residents first. */
export function describeGroups(
  qs: readonly LearningQuestion[],
  decisions: readonly GroupDecision[],
  threshold?: number,
): DescribedGroups {
  const byId = new Map(decisions.map((d) => [d.id, d]));
  const seeds: GroupSeed[] = decisions.map((d) => ({ id: d.id, anchors: [d.anchor] }));
  const groups = groupQuestions(
    qs.map((q) => ({ id: q.id, text: q.text })),
    { seeds, ...(threshold !== undefined && { threshold }) },
  );
  const views: GroupView[] = [];
  const members = new Map<string, LearningQuestion[]>();
  for (const g of groups) {
    const list = g.members.map((i) => qs[i]).filter((q): q is LearningQuestion => q !== undefined);
    members.set(g.id, list);
    const d = byId.get(g.id);
    const kinds: Record<string, number> = {};
    const askers = new Set<string>();
    let anonymous = 0;
    for (const q of list) {
      kinds[q.kind] = (kinds[q.kind] ?? 0) + 1;
      // A question staff typed in was asked by nobody the assistant knows; a logged one with no id by one person.
      if (q.asker === null) anonymous += q.kind === 'staff' ? 0 : 1;
      else askers.add(q.asker);
    }
    const thumbs = list.filter((q) => q.answer !== null).at(-1);
    const leader = g.leader === undefined ? undefined : qs[g.leader];
    views.push({
      id: g.id,
      state: d?.status ?? 'open',
      representative: d?.anchor ?? leader?.text ?? '',
      questions: list.length,
      residents: askers.size + anonymous,
      kinds,
      firstAskedAt: list[0]?.createdAt ?? d?.firstAskedAt ?? null,
      lastAskedAt: list.at(-1)?.createdAt ?? null,
      answerGiven: thumbs?.answer ?? null,
      wordings: distinctWordings(
        list.map((q) => q.text),
        MAX_WORDINGS,
      ),
      entryId: d?.entryId ?? null,
      decidedAt: d?.decidedAt ?? null,
      reason: d?.reason ?? null,
      sinceDecision: d ? list.filter((q) => q.createdAt > d.decidedAt).length : 0,
    });
  }
  views.sort(
    (a, b) =>
      b.residents - a.residents ||
      b.questions - a.questions ||
      (b.lastAskedAt ?? '').localeCompare(a.lastAskedAt ?? '') ||
      a.id.localeCompare(b.id),
  );
  return { views, members };
}
