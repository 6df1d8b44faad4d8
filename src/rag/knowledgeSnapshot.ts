/**
 * @module rag/knowledgeSnapshot
 *
 * Builds one commune's in-memory index (rag/memoryKnowledgeIndex) from the
 * rows its store keeps. PostgreSQL stores passages without their normalised
 * tokens, so they are computed here with the same recipe as ingestion
 * (rag/ingest, rag/consoleFaq): a document's passage is indexed under the
 * document's title, its heading and its text; a FAQ entry under its question,
 * its own ways to ask (not those staff added later, which only the FAQ
 * matcher sees) and its answer.
 */
import type { KnowledgeRows } from '../core/knowledgeIndex.js';
import type { FaqEntry, MaybePromise } from '../core/ports.js';
import { indexText } from '../core/text/normalize.js';
import { MemoryKnowledgeIndex, type KnowledgeSnapshot, type SnapshotPassage } from './memoryKnowledgeIndex.js';

/** A store that can hand over one commune's rows (storage/pg/pgKnowledgeIndex, storage/sqlite/knowledgeIndex). */
export interface KnowledgeRowSource {
  rows(): MaybePromise<KnowledgeRows>;
}

type StoredEntry = KnowledgeRows['faqEntries'][number];

/** The entries of each FAQ file, to be claimed by its passages in order. */
function entriesByFile(entries: readonly StoredEntry[]): Map<string, StoredEntry[]> {
  const out = new Map<string, StoredEntry[]>();
  for (const e of entries) {
    const list = out.get(e.fileRef);
    if (list) list.push(e);
    else out.set(e.fileRef, [e]);
  }
  return out;
}

/** A stored FAQ entry as the matcher sees it: its file's ways to ask, then those staff added. */
export function faqEntryOf(e: StoredEntry, extraVariants: ReadonlyMap<string, readonly string[]>): FaqEntry {
  const own = e.variants;
  const extra = extraVariants.get(e.id) ?? [];
  return {
    id: e.id,
    question: e.question,
    variants: extra.length > 0 ? [...own, ...extra.filter((v) => !own.includes(v))] : [...own],
    answer: e.answer,
    sourceRef: e.sourceRef,
  };
}

/** The snapshot of a commune's rows, tokens computed again. */
export function snapshotFromRows(rows: KnowledgeRows): KnowledgeSnapshot {
  const docs = new Map(rows.documents.map((d) => [d.ref, d]));
  const unclaimed = entriesByFile(rows.faqEntries);
  const passages = rows.chunks.map((c): SnapshotPassage => {
    const owner = docs.get(c.ownerRef);
    if (owner?.kind === 'faq') {
      // A FAQ passage is its entry's question and answer under the document it cites; the entry
      // row holds the variants that were indexed with it.
      const list = unclaimed.get(c.ownerRef) ?? [];
      const at = list.findIndex((e) => e.question === c.heading && e.answer === c.text && e.sourceRef === c.docRef);
      const entry = at >= 0 ? list.splice(at, 1)[0] : undefined;
      return {
        id: c.id,
        docRef: c.docRef,
        heading: c.heading,
        text: c.text,
        titleTokens: indexText(c.heading),
        headingTokens: indexText((entry?.variants ?? []).join(' . ')),
        bodyTokens: indexText(c.text),
      };
    }
    return {
      id: c.id,
      docRef: c.docRef,
      heading: c.heading,
      text: c.text,
      titleTokens: indexText(owner?.title ?? ''),
      headingTokens: indexText(c.heading),
      bodyTokens: indexText(c.text),
    };
  });
  const faqEntries = rows.faqEntries.map((e) => faqEntryOf(e, rows.extraVariants));
  return { documents: rows.documents, passages, faqEntries };
}

/** Builds (or rebuilds, when `into` is given) the in-memory index of one commune from its store. */
export async function loadMemoryIndex(
  source: KnowledgeRowSource,
  into?: MemoryKnowledgeIndex,
): Promise<MemoryKnowledgeIndex> {
  const snapshot = snapshotFromRows(await source.rows());
  if (!into) return new MemoryKnowledgeIndex(snapshot);
  into.load(snapshot);
  return into;
}
