/**
 * @module storage/sqlite/knowledgeIndex
 *
 * The search index of the knowledge base, per commune: documents, their
 * passages (original text for display) and an FTS5 table of the same passages
 * in normalised form (folded syllables plus bigrams, see core/text). All SQL
 * for retrieval lives here so a server database can replace SQLite later.
 */
import type {
  CandidateRow,
  DocumentRow,
  IndexedFile,
  KnowledgeReader,
  KnowledgeRows,
  KnowledgeStore,
  PassageRow,
} from '../../core/knowledgeIndex.js';
import type { FaqEntry } from '../../core/ports.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

export type { CandidateRow, DocumentRow, IndexedFile, IndexedPassage, PassageRow } from '../../core/knowledgeIndex.js';

/** A passage with its document's title and address; the WHERE clause follows. */
const PASSAGE_SELECT = `SELECT c.id AS id, c.doc_ref AS docRef, c.heading AS heading, c.text AS text,
       COALESCE(d.title, c.doc_ref) AS title, d.url AS url
  FROM chunks c
  LEFT JOIN documents d ON d.commune_id = c.commune_id AND d.ref = c.doc_ref`;

type PassageSqlRow = Omit<PassageRow, 'url'> & { url: string | null };

function toPassageRow(r: PassageSqlRow): PassageRow {
  return { ...r, url: r.url ?? undefined };
}

/** Column weights for bm25(): title, heading, body. Headings name the question a section answers. */
const BM25_WEIGHTS = '3.0, 2.0, 1.0';

export class SqliteKnowledgeIndex implements KnowledgeStore, KnowledgeReader {
  private candidatesStmt: Statement | undefined;
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  documents(): DocumentRow[] {
    const rows = this.db
      .prepare('SELECT ref, kind, title, url, hash FROM documents WHERE commune_id = ? ORDER BY ref')
      .all(this.communeId) as { ref: string; kind: 'doc' | 'faq'; title: string; url: string | null; hash: string }[];
    return rows.map((r) => ({ ...r, url: r.url ?? undefined }));
  }

  /** Replaces everything a file contributed, in one transaction. */
  replaceFile(file: IndexedFile, at: Date): void {
    this.db.transaction(() => {
      this.deleteFileRows(file.ref);
      this.db
        .prepare(
          `INSERT INTO documents (commune_id, ref, kind, title, url, hash, meta_json, indexed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          this.communeId,
          file.ref,
          file.kind,
          file.title,
          file.url ?? null,
          file.hash,
          JSON.stringify(file.meta),
          at.toISOString(),
        );
      const insertChunk = this.db.prepare(
        'INSERT INTO chunks (commune_id, owner_ref, doc_ref, ord, heading, text) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const insertFts = this.db.prepare(
        'INSERT INTO chunks_fts (rowid, title, heading, body, commune_id) VALUES (?, ?, ?, ?, ?)',
      );
      file.passages.forEach((p, i) => {
        const { lastInsertRowid } = insertChunk.run(this.communeId, file.ref, p.docRef, i, p.heading, p.text);
        insertFts.run(lastInsertRowid, p.titleTokens, p.headingTokens, p.bodyTokens, this.communeId);
      });
      const insertFaq = this.db.prepare(
        `INSERT OR REPLACE INTO faq_entries (commune_id, id, file_ref, question, variants_json, answer, source_ref)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const e of file.faqEntries ?? []) {
        insertFaq.run(this.communeId, e.id, file.ref, e.question, JSON.stringify(e.variants), e.answer, e.sourceRef);
      }
    })();
  }

  removeFile(ref: string): void {
    this.db.transaction(() => this.deleteFileRows(ref))();
  }

  private deleteFileRows(ref: string): void {
    this.db
      .prepare(`DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE commune_id = ? AND owner_ref = ?)`)
      .run(this.communeId, ref);
    this.db.prepare('DELETE FROM chunks WHERE commune_id = ? AND owner_ref = ?').run(this.communeId, ref);
    this.db.prepare('DELETE FROM faq_entries WHERE commune_id = ? AND file_ref = ?').run(this.communeId, ref);
    this.db.prepare('DELETE FROM documents WHERE commune_id = ? AND ref = ?').run(this.communeId, ref);
  }

  /**
   * Best passages holding any of the terms (each an FTS5 phrase), best first.
   * The ranking runs on rowids and scores alone; texts are read only for the
   * rows kept, which matters when a common word matches most of the index.
   */
  candidates(terms: readonly string[], limit: number): CandidateRow[] {
    if (terms.length === 0) return [];
    const match = terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
    this.candidatesStmt ??= this.db.prepare(
      `SELECT c.id AS id, c.doc_ref AS docRef, c.heading AS heading, c.text AS text,
              f.title AS titleTokens, f.heading || ' ' || f.body AS ownTokens,
              r.s AS bm25
         FROM (SELECT rowid AS id, bm25(chunks_fts, ${BM25_WEIGHTS}) AS s
                 FROM chunks_fts WHERE chunks_fts MATCH ? AND commune_id = ?
                ORDER BY s LIMIT ?) r
         JOIN chunks c ON c.id = r.id
         JOIN chunks_fts f ON f.rowid = r.id
        ORDER BY r.s`,
    );
    return this.candidatesStmt.all(match, this.communeId, limit) as CandidateRow[];
  }

  /** Number of passages containing each term (for IDF); absent terms are omitted. */
  documentFrequencies(terms: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    if (terms.length === 0) return out;
    const stmt = this.db.prepare('SELECT doc FROM chunks_vocab WHERE term = ?');
    for (const t of new Set(terms)) {
      const row = stmt.get(t) as { doc: number } | undefined;
      if (row) out.set(t, row.doc);
    }
    return out;
  }

  /** Every indexed syllable (no bigrams) with the number of passages containing it, for spelling correction. */
  unigramVocabulary(): Map<string, number> {
    const rows = this.db
      .prepare(`SELECT term, doc FROM chunks_vocab WHERE term NOT LIKE '%\\_%' ESCAPE '\\'`)
      .all() as { term: string; doc: number }[];
    return new Map(rows.map((r) => [r.term, r.doc]));
  }

  /** One passage with its document's title, or undefined when it is gone (re-ingested since). */
  passageById(id: number): PassageRow | undefined {
    const row = this.db.prepare(`${PASSAGE_SELECT} WHERE c.commune_id = ? AND c.id = ?`).get(this.communeId, id) as
      PassageSqlRow | undefined;
    return row ? toPassageRow(row) : undefined;
  }

  passageCount(): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM chunks WHERE commune_id = ?').get(this.communeId) as {
      n: number;
    };
    return row.n;
  }

  /**
   * Every FAQ entry, with the ways to ask that staff added in the console to
   * entries of the knowledge folder (`faq_extra_variants`) after the file's own.
   */
  faqEntries(): FaqEntry[] {
    const rows = this.db
      .prepare(
        `SELECT f.id, f.question, f.variants_json, f.answer, f.source_ref, x.variants_json AS extra_json
           FROM faq_entries f
           LEFT JOIN faq_extra_variants x ON x.commune_id = f.commune_id AND x.faq_id = f.id
          WHERE f.commune_id = ? ORDER BY f.id`,
      )
      .all(this.communeId) as {
      id: string;
      question: string;
      variants_json: string;
      answer: string;
      source_ref: string;
      extra_json: string | null;
    }[];
    return rows.map((r) => {
      const own = JSON.parse(r.variants_json) as string[];
      const extra = r.extra_json === null ? [] : (JSON.parse(r.extra_json) as string[]);
      return {
        id: r.id,
        question: r.question,
        variants: extra.length > 0 ? [...own, ...extra.filter((v) => !own.includes(v))] : own,
        answer: r.answer,
        sourceRef: r.source_ref,
      };
    });
  }

  /**
   * Replaces, in one transaction, every document whose ref satisfies `owns`
   * with `files`: the console's FAQ entries and their sources are rebuilt
   * whole at each approval, and nothing of the knowledge folder is touched.
   */
  replaceOwned(owns: (ref: string) => boolean, files: readonly IndexedFile[], at: Date): void {
    this.db.transaction(() => {
      for (const d of this.documents()) if (owns(d.ref)) this.deleteFileRows(d.ref);
      for (const f of files) this.replaceFile(f, at);
    })();
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE commune_id = ? AND key = ?').get(this.communeId, key) as
      { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO meta (commune_id, key, value) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value',
      )
      .run(this.communeId, key, value);
  }

  /**
   * Every passage of the commune with its document's title, in index order.
   * A FAQ entry is a passage of the document it cites, so it carries that
   * document's title, as in lexical results.
   */
  allPassages(): PassageRow[] {
    const rows = this.db
      .prepare(`${PASSAGE_SELECT} WHERE c.commune_id = ? ORDER BY c.id`)
      .all(this.communeId) as PassageSqlRow[];
    return rows.map(toPassageRow);
  }

  /** The commune's rows without their tokens, for an index built in memory (rag/knowledgeSnapshot). */
  rows(): KnowledgeRows {
    const chunks = this.db
      .prepare(
        `SELECT id, owner_ref AS ownerRef, doc_ref AS docRef, heading, text FROM chunks WHERE commune_id = ? ORDER BY id`,
      )
      .all(this.communeId) as { id: number; ownerRef: string; docRef: string; heading: string; text: string }[];
    const faqs = this.db
      .prepare(
        `SELECT id, file_ref, question, variants_json, answer, source_ref FROM faq_entries
          WHERE commune_id = ? ORDER BY id`,
      )
      .all(this.communeId) as {
      id: string;
      file_ref: string;
      question: string;
      variants_json: string;
      answer: string;
      source_ref: string;
    }[];
    const extra = this.db
      .prepare('SELECT faq_id, variants_json FROM faq_extra_variants WHERE commune_id = ?')
      .all(this.communeId) as { faq_id: string; variants_json: string }[];
    return {
      documents: this.documents(),
      chunks,
      faqEntries: faqs.map((r) => ({
        id: r.id,
        fileRef: r.file_ref,
        question: r.question,
        variants: JSON.parse(r.variants_json) as string[],
        answer: r.answer,
        sourceRef: r.source_ref,
      })),
      extraVariants: new Map(extra.map((r) => [r.faq_id, JSON.parse(r.variants_json) as string[]])),
    };
  }
}
