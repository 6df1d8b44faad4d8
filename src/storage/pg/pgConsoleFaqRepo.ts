/**
 * @module storage/pg/pgConsoleFaqRepo
 *
 * FAQ entries staff write in the console, kept as revisions, on PostgreSQL:
 * the twin of storage/sqlite/consoleFaqRepo (same rows, one row mapper in
 * storage/contentRows). Every method is one `withCommune` transaction.
 *
 * Two staff may act on one entry at the same moment (two administrators, or
 * two processes). SQLite's whole-file write lock made "read the last revision
 * number, write the next" safe; here a revision or a revert first locks the
 * entry's row (`FOR UPDATE`), so the second waits, then numbers its revision
 * after the first one's: both revisions are kept, none is lost or refused.
 * A new entry takes the next free `console_<n>` with an insert that skips a
 * taken id (`ON CONFLICT DO NOTHING`, which waits for a concurrent insert of
 * the same id to commit or roll back), so two entries created at once get
 * two ids.
 */
import type { Transaction } from 'kysely';
import {
  CONSOLE_ID_PREFIX,
  type ConsoleFaqStore,
  type ConsoleRevision,
  type NewRevision,
} from '../../core/stores/consoleFaq.js';
import { revisionOf, sourceColumns } from '../contentRows.js';
import type { PgDb } from './db.js';
import { bytewise } from './pgSql.js';
import type { Database } from './schema.js';
import { withCommune } from './tenant.js';

type Trx = Transaction<Database>;

/** Ids tried past the count before giving up (only under a storm of creations). */
const MAX_ID_TRIES = 1000;

export class PgConsoleFaqRepo implements ConsoleFaqStore {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  async create(first: NewRevision, baseFaqId?: string): Promise<string> {
    return withCommune(this.db, this.communeId, async (trx) => {
      const { n } = await trx
        .selectFrom('console_faq_entries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('commune_id', '=', this.communeId)
        .executeTakeFirstOrThrow();
      for (let k = Number(n) + 1; k <= Number(n) + MAX_ID_TRIES; k++) {
        const id = `${CONSOLE_ID_PREFIX}${k}`;
        const made = await trx
          .insertInto('console_faq_entries')
          .values({
            commune_id: this.communeId,
            id,
            base_faq_id: baseFaqId ?? null,
            created_by: first.authorId,
            created_at: first.at.toISOString(),
          })
          .onConflict((oc) => oc.columns(['commune_id', 'id']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!made) continue;
        await this.insertRevision(trx, id, 1, first);
        return id;
      }
      throw new Error(`no free console FAQ id after ${MAX_ID_TRIES} tries`);
    });
  }

  async exists(id: string): Promise<boolean> {
    const row = await withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('console_faq_entries')
        .select('id')
        .where('commune_id', '=', this.communeId)
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  async allIds(): Promise<string[]> {
    const rows = await withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('console_faq_entries')
        .select('id')
        .where('commune_id', '=', this.communeId)
        .orderBy(bytewise('created_at'))
        .orderBy(bytewise('id'))
        .execute(),
    );
    return rows.map((r) => r.id);
  }

  async overlayOf(baseFaqId: string): Promise<string | undefined> {
    const row = await withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('console_faq_entries')
        .select('id')
        .where('commune_id', '=', this.communeId)
        .where('base_faq_id', '=', baseFaqId)
        .orderBy(bytewise('created_at'))
        .orderBy(bytewise('id'))
        .limit(1)
        .executeTakeFirst(),
    );
    return row?.id;
  }

  async revise(entryId: string, next: NewRevision): Promise<number> {
    return withCommune(this.db, this.communeId, async (trx) => {
      await this.lockEntry(trx, entryId);
      const { n } = await trx
        .selectFrom('console_faq_revisions')
        .select((eb) => eb.fn.max('revision').as('n'))
        .where('commune_id', '=', this.communeId)
        .where('entry_id', '=', entryId)
        .executeTakeFirstOrThrow();
      const revision = Number(n ?? 0) + 1;
      await this.insertRevision(trx, entryId, revision, next);
      return revision;
    });
  }

  async revisions(entryId: string): Promise<ConsoleRevision[]> {
    return withCommune(this.db, this.communeId, (trx) => this.revisionsIn(trx, entryId));
  }

  async live(entryId: string): Promise<ConsoleRevision | undefined> {
    return (await this.revisions(entryId)).find((r) => r.status === 'active');
  }

  async allLive(): Promise<ConsoleRevision[]> {
    const rows = await withCommune(this.db, this.communeId, (trx) =>
      this.selectRevisions(trx)
        .where('r.status', '=', 'active')
        .where('r.revision', '=', (eb) =>
          eb
            .selectFrom('console_faq_revisions as x')
            .select((x) => x.fn.max('x.revision').as('m'))
            .whereRef('x.commune_id', '=', 'r.commune_id')
            .whereRef('x.entry_id', '=', 'r.entry_id')
            .where('x.status', '=', 'active'),
        )
        .orderBy(bytewise('r.entry_id'))
        .execute(),
    );
    return rows.map(revisionOf);
  }

  async revert(entryId: string, by: string, at: Date, reason: string): Promise<ConsoleRevision | undefined> {
    return withCommune(this.db, this.communeId, async (trx) => {
      if (!(await this.lockEntry(trx, entryId, false))) return undefined;
      const current = (await this.revisionsIn(trx, entryId)).find((r) => r.status === 'active');
      if (!current) return undefined;
      await trx
        .updateTable('console_faq_revisions')
        .set({ status: 'reverted', reverted_by: by, reverted_at: at.toISOString(), revert_reason: reason })
        .where('commune_id', '=', this.communeId)
        .where('entry_id', '=', entryId)
        .where('revision', '=', current.revision)
        .execute();
      return current;
    });
  }

  /**
   * Replaces the ways to ask added to knowledge FAQ entries (knowledge id →
   * variants): for a knowledge index kept on PostgreSQL. Today's index is
   * SQLite's and reads its own table (rag/consoleFaq.ts publishes there).
   */
  async replaceExtraVariants(byFaqId: ReadonlyMap<string, readonly string[]>): Promise<void> {
    await withCommune(this.db, this.communeId, async (trx) => {
      await trx.deleteFrom('faq_extra_variants').where('commune_id', '=', this.communeId).execute();
      if (byFaqId.size === 0) return;
      await trx
        .insertInto('faq_extra_variants')
        .values(
          [...byFaqId].map(([faqId, variants]) => ({
            commune_id: this.communeId,
            faq_id: faqId,
            variants_json: JSON.stringify(variants),
          })),
        )
        .execute();
    });
  }

  /**
   * Locks the entry's row until the transaction ends: revisions and reverts
   * of one entry take turns. Throws for an unknown entry unless `required`
   * is false (then says whether it exists).
   */
  private async lockEntry(trx: Trx, entryId: string, required = true): Promise<boolean> {
    const row = await trx
      .selectFrom('console_faq_entries')
      .select('id')
      .where('commune_id', '=', this.communeId)
      .where('id', '=', entryId)
      .forUpdate()
      .executeTakeFirst();
    if (!row && required) throw new Error(`no console FAQ entry ${JSON.stringify(entryId)}`);
    return row !== undefined;
  }

  private selectRevisions(trx: Trx) {
    return trx
      .selectFrom('console_faq_revisions as r')
      .innerJoin('console_faq_entries as e', (j) =>
        j.onRef('e.commune_id', '=', 'r.commune_id').onRef('e.id', '=', 'r.entry_id'),
      )
      .select([
        'r.entry_id as entryId',
        'e.base_faq_id as baseFaqId',
        'r.revision',
        'r.question',
        'r.variants_json',
        'r.answer',
        'r.source_kind',
        'r.source_value',
        'r.source_title',
        'r.source_signer',
        'r.source_date',
        'r.author_id as authorId',
        'r.created_at as createdAt',
        'r.reason',
        'r.group_id as groupId',
        'r.status',
        'r.reverted_by as revertedBy',
        'r.reverted_at as revertedAt',
        'r.revert_reason as revertReason',
      ])
      .where('r.commune_id', '=', this.communeId);
  }

  private async revisionsIn(trx: Trx, entryId: string): Promise<ConsoleRevision[]> {
    const rows = await this.selectRevisions(trx)
      .where('r.entry_id', '=', entryId)
      .orderBy('r.revision', 'desc')
      .execute();
    return rows.map(revisionOf);
  }

  private async insertRevision(trx: Trx, entryId: string, revision: number, r: NewRevision): Promise<void> {
    await trx
      .insertInto('console_faq_revisions')
      .values({
        commune_id: this.communeId,
        entry_id: entryId,
        revision,
        question: r.question,
        variants_json: JSON.stringify(r.variants),
        answer: r.answer,
        ...sourceColumns(r.source),
        author_id: r.authorId,
        created_at: r.at.toISOString(),
        reason: r.reason,
        group_id: r.groupId ?? null,
      })
      .execute();
  }
}
