/**
 * @module rag/memoryKnowledgeIndex
 *
 * One commune's full-text index held in the process: what a search reads
 * when the rows live in PostgreSQL, which has no FTS5. It reproduces SQLite
 * FTS5's `bm25(chunks_fts, 3.0, 2.0, 1.0)` term for term (k1 = 1.2, b = 0.75,
 * IDF floored at 1e-6 and its logarithm correctly rounded as the C library's, column weights on the term frequency, the row's length
 * in tokens over all columns), with the same tokens (space-separated,
 * `unicode61` with `_` as a token character), so the lexical ranker gives the
 * same scores as a single-commune SQLite install. Equal scores are ordered by
 * passage id, as FTS5 scans rows.
 *
 * A corpus of a commune is small (about a thousand passages), and its lists
 * are packed (rag/postings: the bundled knowledge's 1,062 passages take
 * about 1 MB of lists beside their 2.9 MB of text, where a Map of arrays per
 * term took 12.5 MB), so every search is a few array reads; the index is
 * rebuilt whole after an ingestion (`load`), never patched. The vocabulary is
 * listed in term order, as FTS5's `fts5vocab` lists it.
 */
import type { CandidateRow, DocumentRow, KnowledgeReader, PassageRow } from '../core/knowledgeIndex.js';
import type { FaqEntry } from '../core/ports.js';
import { exactLog } from './exactLog.js';
import { byText, Postings } from './postings.js';

/** A passage with the normalised texts of its three full-text columns. */
export interface SnapshotPassage {
  readonly id: number;
  readonly docRef: string;
  readonly heading: string;
  readonly text: string;
  readonly titleTokens: string;
  readonly headingTokens: string;
  readonly bodyTokens: string;
}

/** Everything one commune's index holds, as rag/knowledgeSnapshot builds it from stored rows. */
export interface KnowledgeSnapshot {
  readonly documents: readonly DocumentRow[];
  readonly passages: readonly SnapshotPassage[];
  /** With the console's extra ways to ask already merged in. */
  readonly faqEntries: readonly FaqEntry[];
}

/** FTS5's bm25 constants (fts5_aux.c). */
const K1 = 1.2;
const B = 0.75;

/** FTS5's idf of a term held by `hits` of `n` rows, floored as FTS5 floors it. */
export function bm25Idf(n: number, hits: number): number {
  // FTS5 takes the C library's log, correctly rounded; Math.log may differ in the last bit.
  const idf = exactLog((n - hits + 0.5) / (hits + 0.5));
  return idf <= 0.0 ? 1e-6 : idf;
}

/** One term's share of a row's bm25: idf × f(k1+1) / (f + k1(1 − b + b·|D|/avgdl)). */
export function bm25Term(idf: number, f: number, d: number, avgdl: number): number {
  return idf * ((f * (K1 + 1.0)) / (f + K1 * (1 - B + (B * d) / avgdl)));
}

/** The candidate row of a passage with its bm25. */
export function candidateOf(p: SnapshotPassage, id: number, bm25: number): CandidateRow {
  return {
    id,
    docRef: p.docRef,
    heading: p.heading,
    text: p.text,
    bm25,
    titleTokens: p.titleTokens,
    ownTokens: `${p.headingTokens} ${p.bodyTokens}`,
  };
}

interface Built {
  readonly passages: readonly SnapshotPassage[];
  readonly byId: ReadonlyMap<number, number>;
  readonly postings: Postings;
  readonly avgdl: number;
  readonly documents: readonly DocumentRow[];
  readonly docByRef: ReadonlyMap<string, DocumentRow>;
  readonly faqEntries: readonly FaqEntry[];
}

function build(snapshot: KnowledgeSnapshot): Built {
  const passages = [...snapshot.passages].sort((a, b) => a.id - b.id);
  const postings = new Postings(passages);
  const documents = [...snapshot.documents].sort((a, b) => byText(a.ref, b.ref));
  return {
    passages,
    byId: new Map(passages.map((p, i) => [p.id, i])),
    postings,
    avgdl: passages.length > 0 ? postings.totalLength / passages.length : 0,
    documents,
    docByRef: new Map(documents.map((d) => [d.ref, d])),
    faqEntries: [...snapshot.faqEntries].sort((a, b) => byText(a.id, b.id)),
  };
}

export class MemoryKnowledgeIndex implements KnowledgeReader {
  private built: Built;

  constructor(snapshot: KnowledgeSnapshot = { documents: [], passages: [], faqEntries: [] }) {
    this.built = build(snapshot);
  }

  /** Replaces the whole index (after an ingestion); searches running now finish on the old one. */
  load(snapshot: KnowledgeSnapshot): void {
    this.built = build(snapshot);
  }

  documents(): DocumentRow[] {
    return [...this.built.documents];
  }

  faqEntries(): FaqEntry[] {
    return this.built.faqEntries.map((e) => ({ ...e, variants: [...e.variants] }));
  }

  unigramVocabulary(): Map<string, number> {
    const { postings } = this.built;
    const out = new Map<string, number>();
    postings.terms.forEach((t, k) => {
      if (!t.includes('_')) out.set(t, postings.count(k));
    });
    return out;
  }

  /** Passages holding `term` (rag/lexicalRanker reads it without a cache). */
  df(term: string): number {
    return this.built.postings.df(term);
  }

  documentFrequencies(terms: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const t of terms) {
      const n = this.built.postings.df(t);
      if (n > 0) out.set(t, n);
    }
    return out;
  }

  passageCount(): number {
    return this.built.passages.length;
  }

  /**
   * FTS5's bm25 for `"t1" OR "t2" …`: for each row, the sum over the query's
   * phrases in order of idf × f(k1+1) / (f + k1(1 − b + b·|D|/avgdl)),
   * negated. The sums are made in the same order as FTS5 so the doubles match.
   */
  candidates(terms: readonly string[], limit: number): CandidateRow[] {
    const { passages, postings, avgdl } = this.built;
    const n = passages.length;
    const score = new Map<number, number>();
    for (const t of terms) {
      const k = postings.find(t);
      const hits = postings.count(k);
      if (hits === 0) continue;
      const idf = bm25Idf(n, hits);
      for (let i = postings.first(k), end = i + hits; i < end; i++) {
        const row = postings.rows[i]!;
        score.set(row, (score.get(row) ?? 0) + bm25Term(idf, postings.freq[i]!, postings.length[row]!, avgdl));
      }
    }
    const ranked = [...score].map(([row, s]) => ({ row, bm25: -1.0 * s }));
    ranked.sort((a, b) => a.bm25 - b.bm25 || passages[a.row]!.id - passages[b.row]!.id);
    return ranked.slice(0, Math.max(0, limit)).map(({ row, bm25 }) => {
      const p = passages[row]!;
      return candidateOf(p, p.id, bm25);
    });
  }

  passageById(id: number): PassageRow | undefined {
    const row = this.built.byId.get(id);
    return row === undefined ? undefined : this.passageRow(this.built.passages[row]!);
  }

  allPassages(): PassageRow[] {
    return this.built.passages.map((p) => this.passageRow(p));
  }

  /** The passage with its document's title and address; the ref itself when the document is gone. */
  private passageRow(p: SnapshotPassage): PassageRow {
    const doc = this.built.docByRef.get(p.docRef);
    return {
      id: p.id,
      docRef: p.docRef,
      heading: p.heading,
      text: p.text,
      title: doc?.title ?? p.docRef,
      url: doc?.url,
    };
  }
}
