/**
 * @module rag/faqMatcher
 *
 * Finds the FAQ entry a question is a re-wording of. Each entry is compared
 * through its question and every listed variant (IDF-weighted overlap of topic
 * syllables, plus bigram overlap), so "ko nho passcode vneid" meets "Quên
 * passcode VNeID thì làm thế nào?". Kept in memory: a commune has hundreds of
 * entries, not millions.
 */
import type { FaqEntry, FaqMatch } from '../core/ports.js';
import { queryTerms, weightedShare } from './lexicalRanker.js';

interface Form {
  readonly uni: ReadonlySet<string>;
  readonly bi: ReadonlySet<string>;
}

interface IndexedEntry {
  readonly entry: FaqEntry;
  readonly forms: readonly Form[];
  readonly texts: readonly string[];
}

function formOf(text: string): Form {
  const t = queryTerms(text);
  return { uni: new Set(t.unigrams), bi: new Set(t.bigrams) };
}

/** Similarity in 0..1 between a question and one phrasing of an entry. */
function similarity(q: Form, f: Form, weight: (t: string) => number): number {
  let inter = 0;
  let union = 0;
  for (const t of q.uni) {
    const w = weight(t);
    union += w;
    if (f.uni.has(t)) inter += w;
  }
  for (const t of f.uni) if (!q.uni.has(t)) union += weight(t);
  const uniSim = union > 0 ? inter / union : 0;
  if (q.bi.size === 0 || f.bi.size === 0) return uniSim;
  let biInter = 0;
  for (const b of q.bi) if (f.bi.has(b)) biInter++;
  const biSim = biInter / (q.bi.size + f.bi.size - biInter);
  return 0.75 * uniSim + 0.25 * biSim;
}

/** What a search asks of its FAQ entries (one matcher, or a commune's over the national one). */
export interface FaqLookup {
  readonly size: number;
  /** Every distinct topic syllable of all entries (to prefetch IDF statistics). */
  vocabulary(): string[];
  get(id: string): FaqEntry | undefined;
  /** Entries with some similarity, best first. */
  match(question: string, weight: (t: string) => number, limit?: number): FaqMatch[];
}

export class FaqMatcher implements FaqLookup {
  private readonly entries: IndexedEntry[];
  private readonly byId: Map<string, FaqEntry>;
  /** Topic syllable → entries with a phrasing that contains it: an entry sharing none has similarity 0. */
  private readonly byTerm = new Map<string, number[]>();

  constructor(entries: readonly FaqEntry[]) {
    this.entries = entries.map((entry) => ({
      entry,
      forms: [entry.question, ...entry.variants].map(formOf),
      texts: [entry.question, ...entry.variants],
    }));
    this.byId = new Map(entries.map((e) => [e.id, e]));
    this.entries.forEach((e, i) => {
      for (const t of new Set(e.forms.flatMap((f) => [...f.uni]))) {
        const list = this.byTerm.get(t);
        if (list) list.push(i);
        else this.byTerm.set(t, [i]);
      }
    });
  }

  get size(): number {
    return this.entries.length;
  }

  /** Every distinct topic syllable of all entries (to prefetch IDF statistics). */
  vocabulary(): string[] {
    const out = new Set<string>();
    for (const e of this.entries) for (const f of e.forms) for (const t of f.uni) out.add(t);
    return [...out];
  }

  get(id: string): FaqEntry | undefined {
    return this.byId.get(id);
  }

  /** Entries with some similarity, best first. */
  match(question: string, weight: (t: string) => number, limit = 5): FaqMatch[] {
    return bestFirst(this.scored(questionForm(question), weight), limit);
  }

  /**
   * Every entry with some similarity to the question, in entry order (the
   * order given, by id), leaving out the ids `skip` names: what `match` ranks,
   * and what a commune's matcher merges with the national one's.
   */
  scored(q: QuestionForm, weight: (t: string) => number, skip?: (id: string) => boolean): FaqMatch[] {
    if (q.uni.size === 0) return [];
    const scored: FaqMatch[] = [];
    const candidates = new Set<number>();
    for (const t of q.uni) for (const i of this.byTerm.get(t) ?? []) candidates.add(i);
    for (const i of [...candidates].sort((a, b) => a - b)) {
      const indexed = this.entries[i];
      if (!indexed || skip?.(indexed.entry.id)) continue;
      const { entry, forms, texts } = indexed;
      let best = 0;
      let at = 0;
      forms.forEach((f, i) => {
        const s = similarity(q, f, weight);
        if (s > best) {
          best = s;
          at = i;
        }
      });
      if (best <= 0) continue;
      const form = forms[at] ?? forms[0];
      scored.push({
        entry,
        similarity: best,
        questionCoverage: form ? weightedShare(q.uni, form.uni, weight) : 0,
        entryCoverage: form ? weightedShare(form.uni, q.uni, weight) : 0,
        phrasing: texts[at],
      });
    }
    return scored;
  }
}

/** A question's terms as the matcher compares them (computed once for both layers of a commune). */
export type QuestionForm = Form;
export const questionForm = formOf;

/** The best `limit` of matches in entry order; equal similarities keep that order (a stable sort). */
export function bestFirst(scored: FaqMatch[], limit: number): FaqMatch[] {
  scored.sort((a, b) => b.similarity - a.similarity);
  return scored.slice(0, limit);
}
