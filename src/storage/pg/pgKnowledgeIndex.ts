/**
 * @module storage/pg/pgKnowledgeIndex
 *
 * One commune's knowledge index on PostgreSQL: the twin of the write side of
 * storage/sqlite/knowledgeIndex (documents, their passages, FAQ entries, the
 * index's meta keys). PostgreSQL has no FTS5 and keeps no tokens: a search
 * reads the commune's index in memory (rag/memoryKnowledgeIndex), built from
 * `rows()` by rag/knowledgeSnapshot at start-up and after each ingestion, so
 * a question never waits on the database and scores are those of a
 * single-commune SQLite install. Every method is one `withCommune`
 * transaction; row-level security keeps each commune to its own rows.
 */
import type { DocumentRow, IndexedFile, KnowledgeRows, KnowledgeStore } from '../../core/knowledgeIndex.js';
import type { FaqEntry } from '../../core/ports.js';
import type { PgDb } from './db.js';
import { bytewise } from './pgSql.js';
import { withCommune } from './tenant.js';
import type { Transaction } from 'kysely';
import type { Database } from './schema.js';

type Trx = Transaction<Database>;

/** Rows per multi-row INSERT: far below PostgreSQL's 65,535 bound parameters. */
const INSERT_BATCH = 500;

function documentOf(r: {
  ref: string;
  kind: 'doc' | 'faq';
  title: string;
  url: string | null;
  hash: string;
}): DocumentRow {
  return { ref: r.ref, kind: r.kind, title: r.title, url: r.url ?? undefined, hash: r.hash };
}

/** The file's own variants followed by those staff added, without repeats (as on SQLite). */
function withExtra(own: string[], extraJson: string | null | undefined): string[] {
  const extra = extraJson ? (JSON.parse(extraJson) as string[]) : [];
  return extra.length > 0 ? [...own, ...extra.filter((v) => !own.includes(v))] : own;
}

export class PgKnowledgeIndex implements KnowledgeStore {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  async documents(): Promise<DocumentRow[]> {
    return withCommune(this.db, this.communeId, (trx) => this.documentsIn(trx));
  }

  private async documentsIn(trx: Trx): Promise<DocumentRow[]> {
    const rows = await trx
      .selectFrom('documents')
      .select(['ref', 'kind', 'title', 'url', 'hash'])
      .where('commune_id', '=', this.communeId)
      .orderBy(bytewise('ref'))
      .execute();
    return rows.map(documentOf);
  }

  async faqEntries(): Promise<FaqEntry[]> {
    const rows = await withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('faq_entries as f')
        .leftJoin('faq_extra_variants as x', (j) =>
          j.onRef('x.commune_id', '=', 'f.commune_id').onRef('x.faq_id', '=', 'f.id'),
        )
        .select(['f.id', 'f.question', 'f.variants_json', 'f.answer', 'f.source_ref', 'x.variants_json as extra_json'])
        .where('f.commune_id', '=', this.communeId)
        .orderBy(bytewise('f.id'))
        .execute(),
    );
    return rows.map((r) => ({
      id: r.id,
      question: r.question,
      variants: withExtra(JSON.parse(r.variants_json) as string[], r.extra_json),
      answer: r.answer,
      sourceRef: r.source_ref,
    }));
  }

  async replaceFile(file: IndexedFile, at: Date): Promise<void> {
    await withCommune(this.db, this.communeId, (trx) => this.replaceIn(trx, file, at));
  }

  /**
   * As `replaceFile` for each file in order, in one transaction of a few
   * statements (rag/ingest batches a commune's first ingestion: ~150 files).
   * The same rows result: passages numbered in file order, a FAQ id held by
   * the last file in the batch that wrote it, even over another file's entry.
   */
  async replaceFiles(files: readonly IndexedFile[], at: Date): Promise<void> {
    if (files.length === 0) return;
    await withCommune(this.db, this.communeId, async (trx) => {
      const refs = files.map((f) => f.ref);
      for (let i = 0; i < refs.length; i += INSERT_BATCH)
        await this.deleteFilesRows(trx, refs.slice(i, i + INSERT_BATCH));
      const documents = files.map((file) => this.documentValues(file, at));
      for (let i = 0; i < documents.length; i += INSERT_BATCH)
        await trx
          .insertInto('documents')
          .values(documents.slice(i, i + INSERT_BATCH))
          .execute();
      await this.insertChunks(
        trx,
        files.flatMap((f) => this.chunkValues(f)),
      );
      const entries = new Map<string, ReturnType<PgKnowledgeIndex['entryValues']>[number]>();
      for (const f of files) for (const e of this.entryValues(f)) entries.set(e.id, e);
      await this.upsertEntries(trx, [...entries.values()]);
    });
  }

  async removeFile(ref: string): Promise<void> {
    await withCommune(this.db, this.communeId, (trx) => this.deleteFileRows(trx, ref));
  }

  /** Replaces every document whose ref satisfies `owns` with `files`, in one transaction (the console's FAQ). */
  async replaceOwned(owns: (ref: string) => boolean, files: readonly IndexedFile[], at: Date): Promise<void> {
    await withCommune(this.db, this.communeId, async (trx) => {
      for (const d of await this.documentsIn(trx)) if (owns(d.ref)) await this.deleteFileRows(trx, d.ref);
      for (const f of files) await this.replaceIn(trx, f, at);
    });
  }

  async getMeta(key: string): Promise<string | undefined> {
    const row = await withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('meta')
        .select('value')
        .where('commune_id', '=', this.communeId)
        .where('key', '=', key)
        .executeTakeFirst(),
    );
    return row?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await withCommune(this.db, this.communeId, (trx) =>
      trx
        .insertInto('meta')
        .values({ commune_id: this.communeId, key, value })
        .onConflict((oc) => oc.columns(['commune_id', 'key']).doUpdateSet({ value }))
        .execute(),
    );
  }

  /** The commune's rows, read in one transaction (one consistent picture), for the in-memory index. */
  async rows(): Promise<KnowledgeRows> {
    return withCommune(this.db, this.communeId, async (trx) => {
      const documents = await this.documentsIn(trx);
      const chunks = await trx
        .selectFrom('chunks')
        .select(['id', 'owner_ref', 'doc_ref', 'heading', 'text'])
        .where('commune_id', '=', this.communeId)
        .orderBy('id')
        .execute();
      const faqs = await trx
        .selectFrom('faq_entries')
        .select(['id', 'file_ref', 'question', 'variants_json', 'answer', 'source_ref'])
        .where('commune_id', '=', this.communeId)
        .orderBy(bytewise('id'))
        .execute();
      const extra = await trx
        .selectFrom('faq_extra_variants')
        .select(['faq_id', 'variants_json'])
        .where('commune_id', '=', this.communeId)
        .execute();
      return {
        documents,
        chunks: chunks.map((c) => ({
          id: c.id,
          ownerRef: c.owner_ref,
          docRef: c.doc_ref,
          heading: c.heading,
          text: c.text,
        })),
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
    });
  }

  private async replaceIn(trx: Trx, file: IndexedFile, at: Date): Promise<void> {
    await this.deleteFileRows(trx, file.ref);
    await trx.insertInto('documents').values(this.documentValues(file, at)).execute();
    await this.insertChunks(trx, this.chunkValues(file));
    // SQLite's INSERT OR REPLACE: the last entry of an id wins, even over one another file wrote.
    await this.upsertEntries(trx, this.entryValues(file));
  }

  private documentValues(file: IndexedFile, at: Date) {
    return {
      commune_id: this.communeId,
      ref: file.ref,
      kind: file.kind,
      title: file.title,
      url: file.url ?? null,
      hash: file.hash,
      meta_json: JSON.stringify(file.meta),
      indexed_at: at.toISOString(),
    };
  }

  private chunkValues(file: IndexedFile) {
    return file.passages.map((p, i) => ({
      commune_id: this.communeId,
      owner_ref: file.ref,
      doc_ref: p.docRef,
      ord: i,
      heading: p.heading,
      text: p.text,
    }));
  }

  /** One multi-row INSERT per batch: ids are given in the order of the rows, the passages' order. */
  private async insertChunks(trx: Trx, chunks: ReturnType<PgKnowledgeIndex['chunkValues']>): Promise<void> {
    for (let i = 0; i < chunks.length; i += INSERT_BATCH) {
      await trx
        .insertInto('chunks')
        .values(chunks.slice(i, i + INSERT_BATCH))
        .execute();
    }
  }

  /** The file's entries, the last of an id within the file kept. */
  private entryValues(file: IndexedFile) {
    return [...new Map((file.faqEntries ?? []).map((e) => [e.id, e])).values()].map((e) => ({
      commune_id: this.communeId,
      id: e.id,
      file_ref: file.ref,
      question: e.question,
      variants_json: JSON.stringify(e.variants),
      answer: e.answer,
      source_ref: e.sourceRef,
    }));
  }

  /** SQLite's INSERT OR REPLACE: an entry replaces the one of its id, whichever file wrote it. */
  private async upsertEntries(trx: Trx, entries: ReturnType<PgKnowledgeIndex['entryValues']>): Promise<void> {
    for (let i = 0; i < entries.length; i += INSERT_BATCH) {
      await trx
        .insertInto('faq_entries')
        .values(entries.slice(i, i + INSERT_BATCH))
        .onConflict((oc) =>
          oc.columns(['commune_id', 'id']).doUpdateSet((eb) => ({
            file_ref: eb.ref('excluded.file_ref'),
            question: eb.ref('excluded.question'),
            variants_json: eb.ref('excluded.variants_json'),
            answer: eb.ref('excluded.answer'),
            source_ref: eb.ref('excluded.source_ref'),
          })),
        )
        .execute();
    }
  }

  private async deleteFilesRows(trx: Trx, refs: readonly string[]): Promise<void> {
    await trx.deleteFrom('chunks').where('commune_id', '=', this.communeId).where('owner_ref', 'in', refs).execute();
    await trx
      .deleteFrom('faq_entries')
      .where('commune_id', '=', this.communeId)
      .where('file_ref', 'in', refs)
      .execute();
    await trx.deleteFrom('documents').where('commune_id', '=', this.communeId).where('ref', 'in', refs).execute();
  }

  private async deleteFileRows(trx: Trx, ref: string): Promise<void> {
    await trx.deleteFrom('chunks').where('commune_id', '=', this.communeId).where('owner_ref', '=', ref).execute();
    await trx.deleteFrom('faq_entries').where('commune_id', '=', this.communeId).where('file_ref', '=', ref).execute();
    await trx.deleteFrom('documents').where('commune_id', '=', this.communeId).where('ref', '=', ref).execute();
  }
}
