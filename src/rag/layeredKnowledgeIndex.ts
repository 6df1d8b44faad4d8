/**
 * @module rag/layeredKnowledgeIndex
 *
 * One commune's search index over the national index every commune of the
 * process shares (rag/nationalKnowledge): the commune keeps only its own
 * passages, and which national files its rows do not hold as they are
 * nationally (a page it replaced, a FAQ file whose entries differ). Searches
 * read both layers as one index.
 *
 * Scores are those of a single-commune install holding the commune's rows
 * (national pages and its own), to the last bit: bm25's corpus statistics are
 * merged per commune, counts being whole numbers (passages, tokens, rows
 * holding a term: the national count, minus the national rows the commune
 * does not share, plus its own), and a row's bm25 is summed term by term in
 * the query's order as FTS5 sums it. Equal scores are ordered by the
 * commune's own passage ids (each national row carries the id the commune's
 * copy has in its rows), so even ties fall as they do in that install. The
 * speller and the FAQ matcher read the merged counts too; the speller's
 * candidate lists and the FAQ entries are merged in term and id order, the
 * order a single index lists them in.
 */
import type { CandidateRow, DocumentRow, KnowledgeReader, KnowledgeRows, PassageRow } from '../core/knowledgeIndex.js';
import type { FaqEntry, FaqMatch } from '../core/ports.js';
import { bestFirst, FaqMatcher, questionForm, type FaqLookup } from './faqMatcher.js';
import { faqEntryOf, snapshotFromRows } from './knowledgeSnapshot.js';
import { bigrams } from '../core/text/normalize.js';
import { bm25Idf, bm25Term, candidateOf, type SnapshotPassage } from './memoryKnowledgeIndex.js';
import type { NationalKnowledge, StoredFaqEntry } from './nationalKnowledge.js';
import { byText, Postings, tokensOf } from './postings.js';
import { deletionTable, Speller, type SpellerWords } from './speller.js';

type Chunk = KnowledgeRows['chunks'][number];

/** What a passage row shows of a passage, national or own. */
type PassageText = Pick<SnapshotPassage, 'docRef' | 'heading' | 'text'>;

/**
 * A commune's own passage. Its full-text columns (rag/ingest: syllables, then
 * their bigrams) are kept as their syllables only when the bigrams can be
 * joined again from them exactly: the bigrams are two thirds of a column, and
 * the columns were most of a commune's memory after the lists were packed. A
 * search joins them again for the few dozen candidates it returns.
 */
interface OwnPassage {
  readonly id: number;
  readonly docRef: string;
  readonly heading: string;
  readonly text: string;
  /** Title, heading and body columns: syllables only, or the whole column when `whole` says so. */
  readonly columns: readonly [string, string, string];
  readonly whole: readonly [boolean, boolean, boolean];
}

/** A column with its bigrams joined again from its syllables (rag/ingest's `indexText`). */
function withBigrams(syllables: string): string {
  if (syllables === '') return '';
  const t = syllables.split(' ');
  return [...t, ...bigrams(t)].join(' ');
}

/** The syllables of a column, or undefined when the column is not syllables followed by their bigrams. */
function syllablesOf(column: string): string | undefined {
  if (column === '') return '';
  const parts = column.split(' ');
  const syllables = parts.slice(0, (parts.length + 1) / 2).join(' ');
  return withBigrams(syllables) === column ? syllables : undefined;
}

/** The compact form of a passage; equal titles (every passage of a page has its title) are kept once. */
function compact(p: SnapshotPassage, titles: Map<string, string>): OwnPassage {
  const full = [p.titleTokens, p.headingTokens, p.bodyTokens] as const;
  const short = full.map(syllablesOf);
  const columns = full.map((c, i) => short[i] ?? c) as [string, string, string];
  const title = titles.get(columns[0]);
  if (title === undefined) titles.set(columns[0], columns[0]);
  else columns[0] = title;
  return {
    id: p.id,
    docRef: p.docRef,
    heading: p.heading,
    text: p.text,
    columns,
    whole: short.map((x) => x === undefined) as [boolean, boolean, boolean],
  };
}

/** The passage with its columns whole again, as the national passages are kept. */
function expanded(p: OwnPassage): SnapshotPassage {
  const [title, heading, body] = p.columns.map((c, i) => (p.whole[i] ? c : withBigrams(c))) as [string, string, string];
  return {
    id: p.id,
    docRef: p.docRef,
    heading: p.heading,
    text: p.text,
    titleTokens: title,
    headingTokens: heading,
    bodyTokens: body,
  };
}

interface Layer {
  /** The commune's id of each national row; -1 when its rows do not hold that passage as it is nationally. */
  readonly natIds: Float64Array;
  /** The national rows the commune holds, by their commune id (for `passageById`). */
  readonly natSortedIds: Float64Array;
  readonly natSortedRows: Uint32Array;
  /** National files (pages and FAQ files) the commune does not share. */
  readonly hiddenRefs: ReadonlySet<string>;
  /** Per term, the national rows holding it that the commune does not share. */
  readonly hiddenDf: ReadonlyMap<string, number>;
  /** National FAQ entries the commune has not as they are nationally (or not at all). */
  readonly hiddenFaq: ReadonlySet<string>;
  readonly passageCount: number;
  readonly avgdl: number;
  /** The commune's own passages, by id. */
  readonly own: readonly OwnPassage[];
  readonly ownPostings: Postings;
  readonly ownDocs: readonly DocumentRow[];
  readonly ownDocByRef: ReadonlyMap<string, DocumentRow>;
  /** By id. */
  readonly ownFaq: readonly FaqEntry[];
  /** The speller's deletion keys of the words only the commune's own pages have. */
  readonly ownDeletions: ReadonlyMap<string, readonly string[]>;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameEntry(a: FaqEntry, b: FaqEntry): boolean {
  return (
    a.id === b.id &&
    a.question === b.question &&
    a.answer === b.answer &&
    a.sourceRef === b.sourceRef &&
    sameStrings(a.variants, b.variants)
  );
}

function sameStored(a: StoredFaqEntry, b: StoredFaqEntry): boolean {
  return sameEntry(a, b) && a.fileRef === b.fileRef;
}

/** Whether the commune's rows of file `d` are the national file's rows, passage for passage. */
function sharesFile(
  national: NationalKnowledge,
  d: DocumentRow,
  chunks: readonly Chunk[],
  entries: readonly StoredFaqEntry[],
): boolean {
  const n = national.docByRef.get(d.ref);
  if (!n || n.hash !== d.hash || n.kind !== d.kind || n.title !== d.title || n.url !== d.url) return false;
  const range = national.rowsOf.get(d.ref) ?? { start: 0, end: 0 };
  if (chunks.length !== range.end - range.start) return false;
  const samePassages = chunks.every((c, i) => {
    const p = national.passages[range.start + i]!;
    return p.docRef === c.docRef && p.heading === c.heading && p.text === c.text;
  });
  const stored = national.storedEntries.get(d.ref) ?? [];
  return samePassages && entries.length === stored.length && entries.every((e, i) => sameStored(e, stored[i]!));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function layer(national: NationalKnowledge, rows: KnowledgeRows): Layer {
  const chunksByOwner = groupBy(rows.chunks, (c) => c.ownerRef);
  const entriesByFile = groupBy(rows.faqEntries, (e) => e.fileRef);
  const shared = new Set(
    rows.documents
      .filter((d) => sharesFile(national, d, chunksByOwner.get(d.ref) ?? [], entriesByFile.get(d.ref) ?? []))
      .map((d) => d.ref),
  );

  const natCount = national.passages.length;
  const natIds = new Float64Array(natCount).fill(-1);
  for (const ref of shared) {
    const start = national.rowsOf.get(ref)?.start ?? 0;
    (chunksByOwner.get(ref) ?? []).forEach((c, i) => (natIds[start + i] = c.id));
  }
  const visible: number[] = [];
  const hiddenDf = new Map<string, number>();
  let hiddenRows = 0;
  let hiddenLength = 0;
  for (let row = 0; row < natCount; row++) {
    if (natIds[row]! >= 0) {
      visible.push(row);
      continue;
    }
    hiddenRows++;
    hiddenLength += national.postings.length[row]!;
    const p = national.passages[row]!;
    const terms = new Set([...tokensOf(p.titleTokens), ...tokensOf(p.headingTokens), ...tokensOf(p.bodyTokens)]);
    for (const t of terms) hiddenDf.set(t, (hiddenDf.get(t) ?? 0) + 1);
  }
  visible.sort((a, b) => natIds[a]! - natIds[b]!);

  const ownRows: KnowledgeRows = {
    documents: rows.documents,
    chunks: rows.chunks.filter((c) => !shared.has(c.ownerRef)),
    faqEntries: rows.faqEntries.filter((e) => !shared.has(e.fileRef)),
    extraVariants: rows.extraVariants,
  };
  const ownFull = [...snapshotFromRows(ownRows).passages].sort((a, b) => a.id - b.id);
  const ownPostings = new Postings(ownFull, national.postings);
  const titles = new Map<string, string>();
  const own = ownFull.map((p) => compact(p, titles));
  const ownDocs = rows.documents.filter((d) => !shared.has(d.ref)).sort((a, b) => byText(a.ref, b.ref));

  const sharedFaq = new Set<string>();
  const ownFaq: FaqEntry[] = [];
  for (const stored of rows.faqEntries) {
    const e = faqEntryOf(stored, rows.extraVariants);
    const n = national.faqById.get(e.id);
    if (n && sameEntry(n, e)) sharedFaq.add(e.id);
    else ownFaq.push(e);
  }
  ownFaq.sort((a, b) => byText(a.id, b.id));

  const passageCount = natCount - hiddenRows + own.length;
  const totalLength = national.postings.totalLength - hiddenLength + ownPostings.totalLength;
  return {
    natIds,
    natSortedIds: Float64Array.from(visible, (row) => natIds[row]!),
    natSortedRows: Uint32Array.from(visible),
    hiddenRefs: new Set(national.documents.map((d) => d.ref).filter((ref) => !shared.has(ref))),
    hiddenDf,
    hiddenFaq: new Set(national.faqEntries.map((e) => e.id).filter((id) => !sharedFaq.has(id))),
    passageCount,
    avgdl: passageCount > 0 ? totalLength / passageCount : 0,
    own,
    ownPostings,
    ownDocs,
    ownDocByRef: new Map(ownDocs.map((d) => [d.ref, d])),
    ownFaq,
    ownDeletions: deletionTable(
      ownPostings.terms.filter((t) => !t.includes('_')),
      (w) => national.postings.df(w) === 0,
    ),
  };
}

/** The index of `id` in the sorted `ids`, or -1. */
function findId(ids: Float64Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = ids[mid]!;
    if (x === id) return mid;
    if (x < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Two lists each in `order`, as one list in that order (the first list's item first on a tie). */
function mergeSorted<T>(a: readonly T[], b: readonly T[], order: (x: T, y: T) => number): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(order(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** The FAQ matcher of a commune: the national entries it shares, and its own. */
export class LayeredFaqMatcher implements FaqLookup {
  constructor(
    private readonly national: FaqMatcher,
    private readonly own: FaqMatcher,
    private readonly hidden: ReadonlySet<string>,
  ) {}

  get size(): number {
    return this.national.size - this.hidden.size + this.own.size;
  }

  vocabulary(): string[] {
    return [...new Set([...this.national.vocabulary(), ...this.own.vocabulary()])];
  }

  get(id: string): FaqEntry | undefined {
    return this.own.get(id) ?? (this.hidden.has(id) ? undefined : this.national.get(id));
  }

  /** As one matcher over both: every scored entry in id order, then the stable sort by similarity. */
  match(question: string, weight: (t: string) => number, limit = 5): FaqMatch[] {
    const q = questionForm(question);
    const national = this.national.scored(q, weight, (id) => this.hidden.has(id));
    const own = this.own.scored(q, weight);
    return bestFirst(
      mergeSorted(national, own, (a, b) => byText(a.entry.id, b.entry.id)),
      limit,
    );
  }
}

export class LayeredKnowledgeIndex implements KnowledgeReader {
  private built: Layer;

  constructor(private readonly national: NationalKnowledge) {
    this.built = layer(national, { documents: [], chunks: [], faqEntries: [], extraVariants: new Map() });
  }

  /** Replaces the commune's layer with its rows as they are now; searches running now finish on the old one. */
  load(rows: KnowledgeRows): void {
    this.built = layer(this.national, rows);
  }

  /** Rows holding `term` in the commune's merged index. */
  df(term: string): number {
    const { hiddenDf, ownPostings } = this.built;
    return this.national.postings.df(term) - (hiddenDf.get(term) ?? 0) + ownPostings.df(term);
  }

  /** The speller and FAQ matcher of this commune over both layers (rag/knowledgeSearch asks at each reload). */
  searchTables(): { speller: Speller; faqs: FaqLookup } {
    const built = this.built;
    const { deletions, faqs } = this.national;
    const words: SpellerWords = {
      df: (w) => this.df(w),
      byDeletion: (key) => {
        const nat = deletions.get(key) ?? [];
        const visible = built.hiddenDf.size > 0 ? nat.filter((w) => this.df(w) > 0) : nat;
        const own = built.ownDeletions.get(key);
        return own ? [...visible, ...own].sort(byText) : visible;
      },
    };
    return {
      speller: new Speller(words),
      faqs: new LayeredFaqMatcher(faqs, new FaqMatcher(built.ownFaq), built.hiddenFaq),
    };
  }

  documents(): DocumentRow[] {
    const { hiddenRefs, ownDocs } = this.built;
    const national = this.national.documents.filter((d) => !hiddenRefs.has(d.ref));
    return mergeSorted(national, ownDocs, (a, b) => byText(a.ref, b.ref));
  }

  faqEntries(): FaqEntry[] {
    const { hiddenFaq, ownFaq } = this.built;
    const national = this.national.faqEntries.filter((e) => !hiddenFaq.has(e.id));
    return mergeSorted(national, ownFaq, (a, b) => byText(a.id, b.id)).map((e) => ({
      ...e,
      variants: [...e.variants],
    }));
  }

  unigramVocabulary(): Map<string, number> {
    const terms = new Set([...this.national.postings.terms, ...this.built.ownPostings.terms]);
    const out = new Map<string, number>();
    for (const t of [...terms].sort(byText)) {
      if (t.includes('_')) continue;
      const n = this.df(t);
      if (n > 0) out.set(t, n);
    }
    return out;
  }

  documentFrequencies(terms: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const t of terms) {
      const n = this.df(t);
      if (n > 0) out.set(t, n);
    }
    return out;
  }

  passageCount(): number {
    return this.built.passageCount;
  }

  /** Passages the commune shares with the national index (the rest are its own). */
  sharedPassageCount(): number {
    return this.built.natSortedIds.length;
  }

  /**
   * FTS5's bm25 over both layers (rag/memoryKnowledgeIndex): national rows
   * are numbered 0…N−1 and the commune's own N…, each row's sum made in the
   * query's term order.
   */
  candidates(terms: readonly string[], limit: number): CandidateRow[] {
    const { natIds, hiddenDf, own, ownPostings, passageCount: n, avgdl } = this.built;
    const nat = this.national.postings;
    const natCount = this.national.passages.length;
    const score = new Map<number, number>();
    for (const t of terms) {
      const kn = nat.find(t);
      const ko = ownPostings.find(t);
      const hits = nat.count(kn) - (hiddenDf.get(t) ?? 0) + ownPostings.count(ko);
      if (hits <= 0) continue;
      const idf = bm25Idf(n, hits);
      for (let i = nat.first(kn), end = i + nat.count(kn); kn >= 0 && i < end; i++) {
        const row = nat.rows[i]!;
        if (natIds[row]! < 0) continue;
        score.set(row, (score.get(row) ?? 0) + bm25Term(idf, nat.freq[i]!, nat.length[row]!, avgdl));
      }
      for (let i = ownPostings.first(ko), end = i + ownPostings.count(ko); ko >= 0 && i < end; i++) {
        const row = ownPostings.rows[i]!;
        const at = natCount + row;
        score.set(at, (score.get(at) ?? 0) + bm25Term(idf, ownPostings.freq[i]!, ownPostings.length[row]!, avgdl));
      }
    }
    const idOf = (row: number): number => (row < natCount ? natIds[row]! : own[row - natCount]!.id);
    const ranked = [...score].map(([row, s]) => ({ row, bm25: -1.0 * s }));
    ranked.sort((a, b) => a.bm25 - b.bm25 || idOf(a.row) - idOf(b.row));
    return ranked.slice(0, Math.max(0, limit)).map(({ row, bm25 }) => {
      const p = row < natCount ? this.national.passages[row]! : expanded(own[row - natCount]!);
      return candidateOf(p, idOf(row), bm25);
    });
  }

  passageById(id: number): PassageRow | undefined {
    const { own, natSortedIds, natSortedRows } = this.built;
    let lo = 0;
    let hi = own.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = own[mid]!;
      if (p.id === id) return this.passageRow(p, id);
      if (p.id < id) lo = mid + 1;
      else hi = mid - 1;
    }
    const at = findId(natSortedIds, id);
    return at < 0 ? undefined : this.passageRow(this.national.passages[natSortedRows[at]!]!, id);
  }

  allPassages(): PassageRow[] {
    const { own, natSortedIds, natSortedRows } = this.built;
    type Placed = { readonly p: PassageText; readonly id: number };
    const national = Array.from(natSortedRows, (row, i): Placed => ({
      p: this.national.passages[row]!,
      id: natSortedIds[i]!,
    }));
    const mine = own.map((p): Placed => ({ p, id: p.id }));
    return mergeSorted(national, mine, (a, b) => a.id - b.id).map(({ p, id }) => this.passageRow(p, id));
  }

  /** The passage with its document's title and address as the commune has them; the ref itself when gone. */
  private passageRow(p: PassageText, id: number): PassageRow {
    const { ownDocByRef, hiddenRefs } = this.built;
    const doc =
      ownDocByRef.get(p.docRef) ?? (hiddenRefs.has(p.docRef) ? undefined : this.national.docByRef.get(p.docRef));
    return { id, docRef: p.docRef, heading: p.heading, text: p.text, title: doc?.title ?? p.docRef, url: doc?.url };
  }
}
