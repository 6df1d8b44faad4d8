/**
 * @module core/learning/grouping
 *
 * Groups the questions the assistant could not answer, so staff answer a
 * question once for everyone who asked it, however they wrote it. A question
 * is read with the same recipe as retrieval (core/text: NFC, marks folded,
 * đ→d, chat shorthand expanded; syllables plus syllable bigrams), typos are
 * folded onto the better-attested spelling of the same set, and terms are
 * weighted by how rare they are among the questions (a question about
 * "VNeID" is told apart by what else it says). Two questions belong together
 * when the cosine of their vectors reaches a threshold.
 *
 * Clustering is "leader" clustering: questions are taken in the order given
 * (oldest first), each joins the most similar existing group leader, or leads
 * a new group. Fixed groups (`seeds`, e.g. the ones staff answered or
 * ignored) are leaders before any question, so a new question like an
 * ignored group joins it and stays hidden. Candidates come from an inverted
 * index of the leaders' terms: 10,000 questions took 1.2 to 1.6 s on a busy
 * 2-core machine, against 5.5 to 11 s comparing each question with every
 * leader (bench/learningLoop.ts). The result is the same for the same input.
 *
 * No language model: the grouping has to be explainable and repeatable.
 */
import { bigrams, tokenize } from '../text/normalize.js';
import { STOPWORDS } from '../text/stopwords.js';
import { SYNONYM_GROUPS } from '../text/synonyms.js';
import { typoMap } from './typos.js';

/** Cosine from which two questions are the same question. Tuned on the real-question sets (see the bench). */
export const DEFAULT_GROUP_THRESHOLD = 0.5;
/** Question-form words ("là gì", "ở đâu") still tell questions apart, but count less than topic words. */
const FORM_WEIGHT = 0.5;
/** Bigrams carry word order and two-syllable words; they count a little less than syllables. */
const BIGRAM_WEIGHT = 0.7;
/** Long messages are cut to their first words, as retrieval does. */
const MAX_TOKENS = 48;

export interface GroupInput {
  readonly id: string;
  readonly text: string;
}

/** A group decided earlier, compared with new questions through its anchor texts. */
export interface GroupSeed {
  readonly id: string;
  readonly anchors: readonly string[];
}

export interface QuestionGroup {
  /** The seed's id, or `q:` + the id of the question that leads the group. */
  readonly id: string;
  /** The seed this group continues, if any. */
  readonly seedId?: string;
  /** Index (into the input) of the question that leads the group; absent for a seed with no new question. */
  readonly leader?: number;
  /** Indexes of the member questions, in input order. */
  readonly members: readonly number[];
}

export interface GroupingOptions {
  readonly threshold?: number;
  readonly seeds?: readonly GroupSeed[];
}

/**
 * Folded syllables, their bigrams, and one term per synonym group the
 * question uses ("mật khẩu" and "passcode" both add `~17`), so two wordings
 * of one thing meet as retrieval lets them meet.
 */
export function termsOf(tokens: readonly string[]): string[] {
  const out = [...tokens, ...bigrams(tokens)];
  const found = new Set<number>();
  tokens.forEach((t, i) => {
    for (const p of PHRASES_BY_FIRST.get(t) ?? []) {
      if (found.has(p.group)) continue;
      if (p.tokens.every((x, k) => tokens[i + k] === x)) found.add(p.group);
    }
  });
  for (const g of [...found].sort((a, b) => a - b)) out.push(`~${g}`);
  return [...new Set(out)];
}

/** Synonym phrases by their first syllable, so a question is scanned once rather than once per phrase. */
const PHRASES_BY_FIRST: ReadonlyMap<string, readonly { tokens: readonly string[]; group: number }[]> = (() => {
  const map = new Map<string, { tokens: string[]; group: number }[]>();
  SYNONYM_GROUPS.forEach((group, g) => {
    for (const phrase of group) {
      const tokens = phrase.split(' ');
      const first = tokens[0] ?? '';
      const list = map.get(first) ?? [];
      list.push({ tokens, group: g });
      map.set(first, list);
    }
  });
  return map;
})();

function resolve(token: string, typos: ReadonlyMap<string, string>): string {
  let t = token;
  for (let i = 0; i < 3; i++) {
    const next = typos.get(t);
    if (next === undefined || next === t) break;
    t = next;
  }
  return t;
}

function baseWeight(term: string): number {
  const parts = term.split('_');
  const form = parts.every((p) => STOPWORDS.has(p));
  return (parts.length > 1 ? BIGRAM_WEIGHT : 1) * (form ? FORM_WEIGHT : 1);
}

interface Vector {
  readonly terms: readonly string[];
  readonly weights: readonly number[];
}

/** Unit-length sparse vector of a question's terms. */
function vectorOf(terms: readonly string[], weight: (t: string) => number): Vector {
  const ws: number[] = new Array<number>(terms.length);
  let norm = 0;
  for (let i = 0; i < terms.length; i++) {
    const w = weight(terms[i] ?? '');
    ws[i] = w;
    norm += w * w;
  }
  const n = Math.sqrt(norm) || 1;
  for (let i = 0; i < ws.length; i++) ws[i] = (ws[i] ?? 0) / n;
  return { terms, weights: ws };
}

/** Leaders holding a term, with the term's weight in each (parallel arrays: less garbage than objects). */
interface Posting {
  readonly leaders: number[];
  readonly weights: number[];
}

/** Groups questions (see the module comment). Deterministic: same input, same groups. */
export function groupQuestions(items: readonly GroupInput[], options: GroupingOptions = {}): QuestionGroup[] {
  const threshold = options.threshold ?? DEFAULT_GROUP_THRESHOLD;
  const seeds = options.seeds ?? [];
  // Residents repeat each other word for word: each distinct text is read once.
  const read = new Map<string, string[]>();
  const tokensOf = (text: string): string[] => {
    let t = read.get(text);
    if (!t) {
      t = tokenize(text).slice(0, MAX_TOKENS);
      read.set(text, t);
    }
    return t;
  };
  const rawTokens = items.map((q) => tokensOf(q.text));
  const anchorTokens = seeds.map((s) => s.anchors.map(tokensOf));
  // Typos and rarity are judged over everything compared: the new questions and the anchors.
  const counts = new Map<string, number>();
  const count = (tokens: readonly string[]): void => {
    for (const t of new Set(tokens)) counts.set(t, (counts.get(t) ?? 0) + 1);
  };
  rawTokens.forEach(count);
  anchorTokens.forEach((list) => list.forEach(count));
  const typos = typoMap(counts);
  const fix = (tokens: readonly string[]): string[] => termsOf(tokens.map((x) => resolve(x, typos)));
  const itemTerms = rawTokens.map(fix);
  const seedTerms = anchorTokens.map((list) => list.map(fix));
  const df = new Map<string, number>();
  for (const terms of [...itemTerms, ...seedTerms.flat()]) for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
  const total = itemTerms.length + seedTerms.reduce((n, l) => n + l.length, 0);
  // Base weight (syllable, bigram, form word) times IDF, computed once per distinct term.
  const weights = new Map<string, number>();
  const weight = (t: string): number => {
    let w = weights.get(t);
    if (w === undefined) {
      w = baseWeight(t) * Math.log(1 + total / (df.get(t) ?? 1));
      weights.set(t, w);
    }
    return w;
  };

  // Leaders: every anchor of every seed first, then questions that start a group.
  const leaderGroup: number[] = [];
  const postings = new Map<string, Posting>();
  const groups: { id: string; seedId?: string; leader?: number; members: number[] }[] = [];
  const addLeader = (v: Vector, group: number): void => {
    const leader = leaderGroup.length;
    leaderGroup.push(group);
    for (let i = 0; i < v.terms.length; i++) {
      const t = v.terms[i] ?? '';
      let p = postings.get(t);
      if (!p) {
        p = { leaders: [], weights: [] };
        postings.set(t, p);
      }
      p.leaders.push(leader);
      p.weights.push(v.weights[i] ?? 0);
    }
  };
  seeds.forEach((seed, s) => {
    groups.push({ id: seed.id, seedId: seed.id, members: [] });
    for (const terms of seedTerms[s] ?? []) if (terms.length > 0) addLeader(vectorOf(terms, weight), s);
  });

  const scores = new Float64Array(Math.max(16, items.length + seedTerms.flat().length));
  const touched: number[] = [];
  itemTerms.forEach((terms, index) => {
    const v = vectorOf(terms, weight);
    touched.length = 0;
    for (let i = 0; i < v.terms.length; i++) {
      const p = postings.get(v.terms[i] ?? '');
      if (!p) continue;
      const w = v.weights[i] ?? 0;
      for (let k = 0; k < p.leaders.length; k++) {
        const l = p.leaders[k] ?? 0;
        if (scores[l] === 0) touched.push(l);
        scores[l] = (scores[l] ?? 0) + w * (p.weights[k] ?? 0);
      }
    }
    let best = -1;
    let bestScore = threshold - 1e-9;
    for (const l of touched) {
      const s = scores[l] ?? 0;
      // Ties go to the older leader, so the order of `touched` never matters.
      if (s > bestScore || (s === bestScore && l < best)) {
        best = l;
        bestScore = s;
      }
      scores[l] = 0;
    }
    const group = best >= 0 ? leaderGroup[best] : undefined;
    if (group !== undefined) {
      const g = groups[group];
      if (g) {
        g.members.push(index);
        g.leader ??= index;
      }
      return;
    }
    const item = items[index];
    groups.push({ id: `q:${item?.id ?? index}`, leader: index, members: [index] });
    if (v.terms.length > 0) addLeader(v, groups.length - 1);
  });
  return groups.map((g) => ({
    id: g.id,
    ...(g.seedId !== undefined && { seedId: g.seedId }),
    ...(g.leader !== undefined && { leader: g.leader }),
    members: g.members,
  }));
}
