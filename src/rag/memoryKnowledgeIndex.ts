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
 * A corpus of a commune is small (about a thousand passages, a few MB), so
 * holding it costs little and every search is a few map reads; the index is
 * rebuilt whole after an ingestion (`load`), never patched.
 */
import type { CandidateRow, DocumentRow, KnowledgeReader, PassageRow } from '../core/knowledgeIndex.js';
import type { FaqEntry } from '../core/ports.js';
import { exactLog } from './exactLog.js';

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
/** Column weights, as in storage/sqlite/knowledgeIndex: title, heading, body. */
const WEIGHTS = [3.0, 2.0, 1.0] as const;
/** What FTS5's unicode61 tokenizer (with tokenchars '_') splits on. */
const SEPARATORS = /[^\p{L}\p{N}_]+/u;

function tokensOf(text: string): string[] {
  return text.split(SEPARATORS).filter((t) => t !== '');
}

/** Rows holding a term, in passage order, with the term's column-weighted frequency in each. */
interface Posting {
  readonly rows: number[];
  readonly freq: number[];
}

interface Built {
  readonly passages: readonly SnapshotPassage[];
  readonly byId: ReadonlyMap<number, number>;
  /** Tokens of each row over all columns (FTS5's xColumnSize(-1)). */
  readonly length: Float64Array;
  readonly avgdl: number;
  readonly postings: ReadonlyMap<string, Posting>;
  readonly documents: readonly DocumentRow[];
  readonly docByRef: ReadonlyMap<string, DocumentRow>;
  readonly faqEntries: readonly FaqEntry[];
}

/** UTF-16 order, the same as SQLite's BINARY collation for the refs and ids this index holds. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function build(snapshot: KnowledgeSnapshot): Built {
  const passages = [...snapshot.passages].sort((a, b) => a.id - b.id);
  const length = new Float64Array(passages.length);
  const postings = new Map<string, Posting>();
  let total = 0;
  passages.forEach((p, row) => {
    const columns = [p.titleTokens, p.headingTokens, p.bodyTokens];
    const here = new Map<string, number>();
    columns.forEach((text, c) => {
      const tokens = tokensOf(text);
      length[row] = length[row]! + tokens.length;
      for (const t of tokens) here.set(t, (here.get(t) ?? 0) + WEIGHTS[c as 0 | 1 | 2]);
    });
    total += length[row]!;
    for (const [t, f] of here) {
      let posting = postings.get(t);
      if (!posting) postings.set(t, (posting = { rows: [], freq: [] }));
      posting.rows.push(row);
      posting.freq.push(f);
    }
  });
  const documents = [...snapshot.documents].sort((a, b) => byText(a.ref, b.ref));
  return {
    passages,
    byId: new Map(passages.map((p, i) => [p.id, i])),
    length,
    avgdl: passages.length > 0 ? total / passages.length : 0,
    postings,
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
    const out = new Map<string, number>();
    for (const [t, p] of this.built.postings) if (!t.includes('_')) out.set(t, p.rows.length);
    return out;
  }

  documentFrequencies(terms: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const t of terms) {
      const p = this.built.postings.get(t);
      if (p) out.set(t, p.rows.length);
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
    const { passages, postings, length, avgdl } = this.built;
    const n = passages.length;
    const score = new Map<number, number>();
    for (const t of terms) {
      const p = postings.get(t);
      if (!p) continue;
      const hits = p.rows.length;
      // FTS5 takes the C library's log, correctly rounded; Math.log may differ in the last bit.
      let idf = exactLog((n - hits + 0.5) / (hits + 0.5));
      if (idf <= 0.0) idf = 1e-6;
      for (let i = 0; i < hits; i++) {
        const row = p.rows[i]!;
        const f = p.freq[i]!;
        const d = length[row]!;
        const add = idf * ((f * (K1 + 1.0)) / (f + K1 * (1 - B + (B * d) / avgdl)));
        score.set(row, (score.get(row) ?? 0) + add);
      }
    }
    const ranked = [...score].map(([row, s]) => ({ row, bm25: -1.0 * s }));
    ranked.sort((a, b) => a.bm25 - b.bm25 || passages[a.row]!.id - passages[b.row]!.id);
    return ranked.slice(0, Math.max(0, limit)).map(({ row, bm25 }) => {
      const p = passages[row]!;
      return {
        id: p.id,
        docRef: p.docRef,
        heading: p.heading,
        text: p.text,
        bm25,
        titleTokens: p.titleTokens,
        ownTokens: `${p.headingTokens} ${p.bodyTokens}`,
      };
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
