/**
 * @module rag/lexicalRanker
 *
 * Vietnamese-aware lexical ranking over the full-text index (SQLite's FTS5, or
 * the same scores from the in-memory index of rag/memoryKnowledgeIndex). FTS5's bm25
 * finds candidates among folded syllables and syllable bigrams; each candidate
 * is then re-scored by how much of the question's topic (IDF-weighted) it
 * covers. Coverage is what tells "I found the page about this" apart from "I
 * found a page that shares two common words", so the answerer can be honest
 * when the knowledge base does not cover a question.
 */
import type { DocumentHit, PassageHit } from '../core/ports.js';
import { bigrams, tokenize } from '../core/text/normalize.js';
import { ASKING_WORDS, STOPWORDS, contentTokens } from '../core/text/stopwords.js';
import { SYNONYM_GROUPS } from '../core/text/synonyms.js';
import type { KnowledgeReader } from '../core/knowledgeIndex.js';

/** Long messages are cut to their first words: a question's topic is stated early. */
const MAX_QUERY_TOKENS = 48;
const CANDIDATES = 60;
/**
 * FTS5 scores every row that matches any term, so very common terms make a
 * query slow on a large corpus while adding almost nothing to the ranking.
 * Terms are taken rarest first until their passage counts add up to this
 * budget (at least the two rarest are always kept); coverage still uses all.
 */
const MATCH_ROW_BUDGET = 4000;
const MIN_MATCH_TERMS = 2;
/** Share of the bm25 rank in a passage's score; the rest is topic coverage. */
const W_BM25 = 0.5;

/** The rarest terms whose combined passage count stays within the budget. */
export function selectMatchTerms(terms: readonly string[], df: ReadonlyMap<string, number>): string[] {
  const known = terms.filter((t) => (df.get(t) ?? 0) > 0).sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0));
  const out: string[] = [];
  let rows = 0;
  for (const t of known) {
    const n = df.get(t) ?? 0;
    if (out.length >= MIN_MATCH_TERMS && rows + n > MATCH_ROW_BUDGET) break;
    out.push(t);
    rows += n;
  }
  return out;
}

/** Share of full weight that a word of the question's form keeps in coverage. */
const ASKING_WEIGHT = 0.35;

function isAsking(term: string): boolean {
  return term.includes('_') ? term.split('_').every((p) => ASKING_WORDS.has(p)) : ASKING_WORDS.has(term);
}

export interface QueryTerms {
  readonly tokens: readonly string[];
  /** Topic syllables, unique, in order. */
  readonly unigrams: readonly string[];
  /** Bigrams that are not made only of question words. */
  readonly bigrams: readonly string[];
  /** Question words too: they add a little to bm25 (as in the reference recipe) but nothing to coverage. */
  readonly formWords: readonly string[];
}

export function queryTerms(question: string): QueryTerms {
  const tokens = tokenize(question).slice(0, MAX_QUERY_TOKENS);
  let uni = [...new Set(contentTokens(tokens))];
  if (uni.length === 0) uni = [...new Set(tokens)];
  const bi = [...new Set(bigrams(tokens).filter((b) => b.split('_').some((s) => !STOPWORDS.has(s))))];
  const form = [...new Set(tokens)].filter((t) => !uni.includes(t));
  return { tokens, unigrams: uni, bigrams: bi, formWords: form };
}

/** A synonym group a question touches: the phrase it used, and the others a passage may use instead. */
interface Alias {
  /** Tokens and bigrams of the question's own phrase, counted as present when a passage uses another. */
  readonly own: readonly string[];
  /** The other phrases, each as the terms a passage must hold (its bigrams, or its one syllable). */
  readonly others: readonly (readonly string[])[];
}

function phraseTerms(phrase: string): string[] {
  const t = phrase.split(' ');
  return t.length === 1 ? t : bigrams(t);
}

/** The synonym groups whose phrases occur in the question's tokens. */
export function aliasesOf(tokens: readonly string[]): Alias[] {
  const text = ` ${tokens.join(' ')} `;
  const out: Alias[] = [];
  for (const group of SYNONYM_GROUPS) {
    const used = group.filter((p) => text.includes(` ${p} `));
    if (used.length === 0) continue;
    const own = [...new Set(used.flatMap((p) => [...p.split(' '), ...bigrams(p.split(' '))]))];
    const others = group.filter((p) => !used.includes(p)).map(phraseTerms);
    out.push({ own, others });
  }
  return out;
}

/** Adds the question's phrase to a passage that says the same thing in other words. */
function withAliases(present: Set<string>, aliases: readonly Alias[]): Set<string> {
  for (const a of aliases) {
    if (a.own.every((t) => present.has(t))) continue;
    if (a.others.some((terms) => terms.every((t) => present.has(t)))) for (const t of a.own) present.add(t);
  }
  return present;
}

/**
 * The terms of `wanted` that an index text contains. Only the question's
 * terms are collected, so a passage of hundreds of tokens costs one scan and
 * a handful of set insertions, not a set of everything it says.
 */
function found(indexText: string, wanted: ReadonlySet<string>, into: Set<string> = new Set()): Set<string> {
  for (const t of indexText.split(' ')) if (wanted.has(t)) into.add(t);
  return into;
}

export interface RankedPassages {
  readonly terms: QueryTerms;
  readonly passages: PassageHit[];
  readonly unknownTerms: string[];
}

/** An index that counts one term's passages without allocating (the in-memory ones). */
export interface TermCounter {
  df(term: string): number;
}

function countsTerms(index: KnowledgeReader): index is KnowledgeReader & TermCounter {
  return typeof (index as Partial<TermCounter>).df === 'function';
}

/** IDF statistics with a small cache; cleared whenever the index changes. */
class IdfTable {
  private cache = new Map<string, number>();
  private total = -1;

  constructor(
    private readonly index: KnowledgeReader,
    private readonly caching: boolean,
  ) {}

  clear(): void {
    this.cache.clear();
    this.total = -1;
  }

  /** Number of passages containing the term (0 when unknown). */
  df(terms: readonly string[]): Map<string, number> {
    if (!this.caching) {
      const index = this.index;
      if (countsTerms(index)) return new Map(terms.map((t) => [t, index.df(t)]));
      const found = index.documentFrequencies(terms);
      return new Map(terms.map((t) => [t, found.get(t) ?? 0]));
    }
    const missing = terms.filter((t) => !this.cache.has(t));
    if (missing.length > 0) {
      const found = this.index.documentFrequencies(missing);
      for (const t of missing) this.cache.set(t, found.get(t) ?? 0);
      if (this.cache.size > 50_000) this.cache.clear();
    }
    return new Map(terms.map((t) => [t, this.cache.get(t) ?? 0]));
  }

  /** Passage count of one term, from the cache when known. */
  dfOf(term: string): number {
    if (!this.caching) {
      const index = this.index;
      return countsTerms(index) ? index.df(term) : (index.documentFrequencies([term]).get(term) ?? 0);
    }
    const cached = this.cache.get(term);
    if (cached !== undefined) return cached;
    return this.df([term]).get(term) ?? 0;
  }

  passages(): number {
    if (this.total < 0) this.total = this.index.passageCount();
    return this.total;
  }

  idf(df: number): number {
    const n = Math.max(this.passages(), 1);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }
}

/** IDF-weighted share of `terms` that `present` holds (0 when there are no terms). */
export function weightedShare(
  terms: Iterable<string>,
  present: ReadonlySet<string>,
  weight: (t: string) => number,
): number {
  let total = 0;
  let hit = 0;
  for (const t of terms) {
    const w = weight(t);
    total += w;
    if (present.has(t)) hit += w;
  }
  return total > 0 ? hit / total : 0;
}

export class LexicalRanker {
  private readonly idf: IdfTable;

  /** `cacheStatistics: false` for an index in memory, whose counts cost no more than a cache's (default true). */
  constructor(
    private readonly index: KnowledgeReader,
    options: { cacheStatistics?: boolean } = {},
  ) {
    this.idf = new IdfTable(index, options.cacheStatistics !== false);
  }

  /** Call after ingestion changed the index. */
  invalidate(): void {
    this.idf.clear();
  }

  /**
   * Weight of a term for coverage: its IDF, with unknown terms weighing the
   * most.
   */
  weightOf(df: ReadonlyMap<string, number>): (t: string) => number {
    return (t) => this.idf.idf(df.get(t) ?? 0);
  }

  /** The same weight, with the question's form words counting a third (for choosing a passage, not a page). */
  topicWeightOf(df: ReadonlyMap<string, number>): (t: string) => number {
    return (t) => this.idf.idf(df.get(t) ?? 0) * (isAsking(t) ? ASKING_WEIGHT : 1);
  }

  termStats(terms: readonly string[]): Map<string, number> {
    return this.idf.df(terms);
  }

  /**
   * IDF weight of any term, looked up on demand and cached (the FAQ matcher
   * compares against a fixed vocabulary: after the first questions every
   * lookup is a map read).
   */
  readonly weight = (t: string): number => this.idf.idf(this.idf.dfOf(t));

  rankPassages(question: string): RankedPassages {
    const terms = queryTerms(question);
    const aliases = aliasesOf(terms.tokens);
    const all = [...terms.unigrams, ...terms.bigrams, ...terms.formWords];
    if (all.length === 0) return { terms, passages: [], unknownTerms: [] };
    const df = this.idf.df(all);
    const unknownTerms = terms.unigrams.filter((t) => (df.get(t) ?? 0) === 0);
    // Other wordings of the question's phrases only count in coverage: matching them too cost a scan each and found nothing new.
    // Measured again with 52 groups (2026-12-07): a bounded second search (the 3 commonest other wordings beside the
    // question's 3 rarest terms, 20 more passages at half weight) added candidates for 90 of 258 golden questions but
    // never changed the top passage, and no golden, tuning-half or follow-up figure moved on either knowledge snapshot.
    const known = selectMatchTerms(all, df);
    if (known.length === 0) return { terms, passages: [], unknownTerms };
    const rows = this.index.candidates(known, CANDIDATES);
    if (rows.length === 0) return { terms, passages: [], unknownTerms };
    const weight = this.weightOf(df);
    // Words that only say what is asked ("mang theo", "mất tiền") do not tell which passage is about the topic.
    const topicWeight = this.topicWeightOf(df);
    const bestBm25 = Math.min(...rows.map((r) => r.bm25));
    const wanted = new Set([
      ...terms.unigrams,
      ...terms.bigrams,
      ...aliases.flatMap((a) => [...a.own, ...a.others.flat()]),
    ]);
    const titles = new Map<string, Set<string>>();
    const passages = rows.map((r): PassageHit => {
      let title = titles.get(r.titleTokens);
      if (!title) titles.set(r.titleTokens, (title = found(r.titleTokens, wanted)));
      const ownFound = found(r.ownTokens, wanted);
      const present = withAliases(new Set([...ownFound, ...title]), aliases);
      const uni = weightedShare(terms.unigrams, present, weight);
      const bi = terms.bigrams.length > 0 ? weightedShare(terms.bigrams, present, weight) : uni;
      const coverage = 0.65 * uni + 0.35 * bi;
      const own = withAliases(ownFound, aliases);
      const ownUni = weightedShare(terms.unigrams, own, topicWeight);
      const ownBi = terms.bigrams.length > 0 ? weightedShare(terms.bigrams, own, topicWeight) : ownUni;
      const relative = bestBm25 < 0 ? r.bm25 / bestBm25 : 0;
      return {
        id: r.id,
        docRef: r.docRef,
        heading: r.heading,
        text: r.text,
        coverage,
        ownCoverage: 0.65 * ownUni + 0.35 * ownBi,
        score: W_BM25 * relative + (1 - W_BM25) * coverage,
      };
    });
    passages.sort((a, b) => b.score - a.score);
    return { terms, passages, unknownTerms };
  }

  /** Groups passages by document (best passage wins), best document first. */
  static documents(
    passages: readonly PassageHit[],
    titles: ReadonlyMap<string, { title: string; url?: string }>,
    limit: number,
  ): DocumentHit[] {
    const byDoc = new Map<string, PassageHit>();
    for (const p of passages) {
      const prev = byDoc.get(p.docRef);
      if (!prev || p.score > prev.score) byDoc.set(p.docRef, p);
    }
    const docs: DocumentHit[] = [];
    for (const [ref, best] of byDoc) {
      const info = titles.get(ref);
      docs.push({ ref, title: info?.title ?? ref, url: info?.url, score: best.score, best });
    }
    docs.sort((a, b) => b.score - a.score);
    return docs.slice(0, limit);
  }
}
