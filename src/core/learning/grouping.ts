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
 * index of the leaders' terms, so 10,000 questions take well under a second
 * (bench/learningLoop.ts); the result is the same for the same input.
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
  const text = ` ${tokens.join(' ')} `;
  const out = [...tokens, ...bigrams(tokens)];
  SYNONYM_GROUPS.forEach((group, g) => {
    if (group.some((p) => text.includes(` ${p} `))) out.push(`~${g}`);
  });
  return [...new Set(out)];
}

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
  readonly terms: readonly number[];
  readonly weights: readonly number[];
}

/** Unit-length sparse vector over term ids, IDF-weighted by the question set. */
function vectorOf(terms: readonly string[], ids: Map<string, number>, idf: (t: string) => number): Vector {
  const ts: number[] = [];
  const ws: number[] = [];
  let norm = 0;
  for (const t of terms) {
    const w = baseWeight(t) * idf(t);
    let id = ids.get(t);
    if (id === undefined) {
      id = ids.size;
      ids.set(t, id);
    }
    ts.push(id);
    ws.push(w);
    norm += w * w;
  }
  const n = Math.sqrt(norm) || 1;
  return { terms: ts, weights: ws.map((w) => w / n) };
}

/** Groups questions (see the module comment). Deterministic: same input, same groups. */
export function groupQuestions(items: readonly GroupInput[], options: GroupingOptions = {}): QuestionGroup[] {
  const threshold = options.threshold ?? DEFAULT_GROUP_THRESHOLD;
  const seeds = options.seeds ?? [];
  const rawTokens = items.map((q) => tokenize(q.text).slice(0, MAX_TOKENS));
  const anchorTokens = seeds.map((s) => s.anchors.map((a) => tokenize(a).slice(0, MAX_TOKENS)));
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
  const idf = (t: string): number => Math.log(1 + total / (df.get(t) ?? 1));
  const ids = new Map<string, number>();

  // Leaders: every anchor of every seed first, then questions that start a group.
  const leaderGroup: number[] = [];
  const leaderVectors: Vector[] = [];
  const postings = new Map<number, { leader: number; weight: number }[]>();
  const groups: { id: string; seedId?: string; leader?: number; members: number[] }[] = [];
  const addLeader = (v: Vector, group: number): void => {
    const leader = leaderVectors.length;
    leaderVectors.push(v);
    leaderGroup.push(group);
    v.terms.forEach((t, i) => {
      const list = postings.get(t);
      const entry = { leader, weight: v.weights[i] ?? 0 };
      if (list) list.push(entry);
      else postings.set(t, [entry]);
    });
  };
  seeds.forEach((seed, s) => {
    groups.push({ id: seed.id, seedId: seed.id, members: [] });
    for (const terms of seedTerms[s] ?? []) if (terms.length > 0) addLeader(vectorOf(terms, ids, idf), s);
  });

  const scores = new Float64Array(Math.max(16, items.length + seedTerms.flat().length));
  const touched: number[] = [];
  itemTerms.forEach((terms, index) => {
    const v = vectorOf(terms, ids, idf);
    touched.length = 0;
    v.terms.forEach((t, i) => {
      const w = v.weights[i] ?? 0;
      for (const p of postings.get(t) ?? []) {
        if (scores[p.leader] === 0) touched.push(p.leader);
        scores[p.leader] = (scores[p.leader] ?? 0) + w * p.weight;
      }
    });
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
