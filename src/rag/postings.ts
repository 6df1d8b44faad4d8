/**
 * @module rag/postings
 *
 * The inverted lists of an in-memory full-text index, packed. A commune's
 * 50 pages have about 25,000 distinct terms (syllables and syllable
 * bigrams); one `{ rows: [], freq: [] }` pair of growing arrays per term in a
 * Map held about 7 MB, more than the pages themselves. Here the terms are one
 * sorted array (found by binary search: a query has a few dozen terms), and
 * every posting lives in two typed arrays, 16 bits per entry when the counts
 * allow, so the same lists take a few hundred KB. Built once, never patched.
 *
 * The token recipe is FTS5's `unicode61` with `_` as a token character over
 * the three columns title, heading, body with the weights of
 * `bm25(chunks_fts, 3.0, 2.0, 1.0)`: the frequency kept for a term in a row is
 * already column-weighted, and a row's length counts its tokens over all
 * columns (FTS5's xColumnSize(-1)).
 */

/** Column weights, as in storage/sqlite/knowledgeIndex: title, heading, body. */
const WEIGHTS = [3.0, 2.0, 1.0] as const;
/** What FTS5's unicode61 tokenizer (with tokenchars '_') splits on. */
const SEPARATORS = /[^\p{L}\p{N}_]+/u;

export function tokensOf(text: string): string[] {
  return text.split(SEPARATORS).filter((t) => t !== '');
}

/** UTF-16 order, the same as SQLite's BINARY collation for the terms and refs these indexes hold. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The three full-text columns of a row, in weight order. */
export interface IndexedColumns {
  readonly titleTokens: string;
  readonly headingTokens: string;
  readonly bodyTokens: string;
}

type UintArray = Uint16Array | Uint32Array;

function uints(size: number, max: number): UintArray {
  return max <= 0xffff ? new Uint16Array(size) : new Uint32Array(size);
}

/** The index of `term` in the sorted `terms`, or -1. */
export function findSorted(terms: readonly string[], term: string): number {
  let lo = 0;
  let hi = terms.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const t = terms[mid]!;
    if (t === term) return mid;
    if (t < term) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export class Postings {
  /** Every term, sorted (byText); a term's lists are at `start[k]`…`start[k + 1]`. */
  readonly terms: readonly string[];
  private readonly start: Uint32Array;
  /** Row of each posting, rows in increasing order within a term. */
  readonly rows: UintArray;
  /** Column-weighted frequency of the term in that row (a whole number). */
  readonly freq: UintArray | Float64Array;
  /** Tokens of each row over all columns. */
  readonly length: UintArray;
  readonly totalLength: number;

  /**
   * Packs the lists of `rows`, row numbers being their places in it. Terms
   * that `shared` holds too are kept as its string, so a commune's index over
   * the national one adds no second copy of the words they have in common.
   */
  /** Term → index, for an index searched by every commune (the national one): a map read instead of a search. */
  private readonly byTerm?: ReadonlyMap<string, number>;

  constructor(rows: readonly IndexedColumns[], shared?: Postings, options: { termMap?: boolean } = {}) {
    const lists = new Map<string, number[]>();
    const lengths: number[] = [];
    let total = 0;
    let maxLength = 0;
    let maxFreq = 0;
    rows.forEach((r, row) => {
      const here = new Map<string, number>();
      let length = 0;
      [r.titleTokens, r.headingTokens, r.bodyTokens].forEach((text, c) => {
        const tokens = tokensOf(text);
        length += tokens.length;
        for (const t of tokens) here.set(t, (here.get(t) ?? 0) + WEIGHTS[c as 0 | 1 | 2]);
      });
      lengths.push(length);
      total += length;
      maxLength = Math.max(maxLength, length);
      for (const [t, f] of here) {
        let list = lists.get(t);
        if (!list) lists.set(t, (list = []));
        list.push(row, f);
        maxFreq = Math.max(maxFreq, f);
      }
    });
    const terms = [...lists.keys()].sort(byText);
    const start = new Uint32Array(terms.length + 1);
    let n = 0;
    terms.forEach((t, k) => {
      start[k] = n;
      n += lists.get(t)!.length / 2;
    });
    start[terms.length] = n;
    const rowsOut = uints(n, rows.length);
    const freq = Number.isInteger(maxFreq) && maxFreq <= 0xffff ? uints(n, maxFreq) : new Float64Array(n);
    terms.forEach((t, k) => {
      const list = lists.get(t)!;
      let at = start[k]!;
      for (let i = 0; i < list.length; i += 2) {
        rowsOut[at] = list[i]!;
        freq[at] = list[i + 1]!;
        at++;
      }
      if (shared) {
        const s = findSorted(shared.terms, t);
        if (s >= 0) terms[k] = shared.terms[s]!;
      }
    });
    this.terms = terms;
    this.start = start;
    this.rows = rowsOut;
    this.freq = freq;
    this.length = uints(lengths.length, maxLength);
    this.length.set(lengths);
    this.totalLength = total;
    if (options.termMap) this.byTerm = new Map(terms.map((t, k) => [t, k]));
  }

  get rowCount(): number {
    return this.length.length;
  }

  /** The term's index, or -1 when no row holds it. */
  find(term: string): number {
    return this.byTerm ? (this.byTerm.get(term) ?? -1) : findSorted(this.terms, term);
  }

  /** Rows holding the term at index `k` (-1: none). */
  count(k: number): number {
    return k < 0 ? 0 : this.start[k + 1]! - this.start[k]!;
  }

  /** Rows holding `term`. */
  df(term: string): number {
    return this.count(this.find(term));
  }

  /** Where the term at index `k`'s postings begin in `rows` and `freq`. */
  first(k: number): number {
    return this.start[k]!;
  }
}
