/**
 * @module storage/sqlite/consoleFaqRepo
 *
 * FAQ entries written by staff in the console, kept as revisions: every
 * approval is a new revision saying who, when, why and on what source; the
 * live version of an entry is its newest revision still `active`; a revert
 * marks that revision `reverted` (with who, when, why), so the one before it
 * is live again and nothing is ever deleted. What the bot uses is built from
 * the live revisions (rag/consoleFaq.ts).
 */
import {
  CONSOLE_ID_PREFIX,
  type ConsoleFaqStore,
  type ConsoleRevision,
  type NewRevision,
} from '../../core/stores/consoleFaq.js';
import { revisionOf, sourceColumns, type RevisionRow } from '../contentRows.js';
import type { Db } from './db.js';

export type { ConsoleRevision, ConsoleSource, NewRevision } from '../../core/stores/consoleFaq.js';
export { CONSOLE_ID_PREFIX };

const SELECT = `SELECT r.entry_id AS entryId, e.base_faq_id AS baseFaqId, r.revision, r.question, r.variants_json, r.answer,
       r.source_kind, r.source_value, r.source_title, r.source_signer, r.source_date, r.author_id AS authorId,
       r.created_at AS createdAt, r.reason, r.group_id AS groupId, r.status, r.reverted_by AS revertedBy,
       r.reverted_at AS revertedAt, r.revert_reason AS revertReason
  FROM console_faq_revisions r
  JOIN console_faq_entries e ON e.commune_id = r.commune_id AND e.id = r.entry_id`;

export class SqliteConsoleFaqRepo implements ConsoleFaqStore {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  /** Creates an entry with its first revision; returns the new entry id. */
  create(first: NewRevision, baseFaqId?: string): string {
    return this.db.transaction(() => {
      const row = this.db
        .prepare(`SELECT COUNT(*) AS n FROM console_faq_entries WHERE commune_id = ?`)
        .get(this.communeId) as { n: number };
      let n = row.n + 1;
      while (this.exists(`${CONSOLE_ID_PREFIX}${n}`)) n++;
      const id = `${CONSOLE_ID_PREFIX}${n}`;
      this.db
        .prepare(
          'INSERT INTO console_faq_entries (commune_id, id, base_faq_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(this.communeId, id, baseFaqId ?? null, first.authorId, first.at.toISOString());
      this.insertRevision(id, 1, first);
      return id;
    })();
  }

  exists(id: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 AS one FROM console_faq_entries WHERE commune_id = ? AND id = ?')
        .get(this.communeId, id) !== undefined
    );
  }

  /** Every console entry id, oldest first. */
  allIds(): string[] {
    return (
      this.db
        .prepare('SELECT id FROM console_faq_entries WHERE commune_id = ? ORDER BY created_at, id')
        .all(this.communeId) as { id: string }[]
    ).map((r) => r.id);
  }

  /** The console entry adding ways to ask a knowledge FAQ entry, if one exists. */
  overlayOf(baseFaqId: string): string | undefined {
    const row = this.db
      .prepare(
        'SELECT id FROM console_faq_entries WHERE commune_id = ? AND base_faq_id = ? ORDER BY created_at LIMIT 1',
      )
      .get(this.communeId, baseFaqId) as { id: string } | undefined;
    return row?.id;
  }

  /** Adds a revision to an existing entry; returns its number. */
  revise(entryId: string, next: NewRevision): number {
    return this.db.transaction(() => {
      const row = this.db
        .prepare('SELECT MAX(revision) AS n FROM console_faq_revisions WHERE commune_id = ? AND entry_id = ?')
        .get(this.communeId, entryId) as { n: number | null };
      const revision = (row.n ?? 0) + 1;
      this.insertRevision(entryId, revision, next);
      return revision;
    })();
  }

  private insertRevision(entryId: string, revision: number, r: NewRevision): void {
    const s = sourceColumns(r.source);
    this.db
      .prepare(
        `INSERT INTO console_faq_revisions (commune_id, entry_id, revision, question, variants_json, answer, source_kind,
           source_value, source_title, source_signer, source_date, author_id, created_at, reason, group_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        this.communeId,
        entryId,
        revision,
        r.question,
        JSON.stringify(r.variants),
        r.answer,
        s.source_kind,
        s.source_value,
        s.source_title,
        s.source_signer,
        s.source_date,
        r.authorId,
        r.at.toISOString(),
        r.reason,
        r.groupId ?? null,
      );
  }

  /** Every revision of an entry, newest first. */
  revisions(entryId: string): ConsoleRevision[] {
    return (
      this.db
        .prepare(`${SELECT} WHERE r.commune_id = ? AND r.entry_id = ? ORDER BY r.revision DESC`)
        .all(this.communeId, entryId) as RevisionRow[]
    ).map(revisionOf);
  }

  /** The live revision of an entry: its newest one still active. */
  live(entryId: string): ConsoleRevision | undefined {
    return this.revisions(entryId).find((r) => r.status === 'active');
  }

  /** The live revision of every entry that has one, by entry id. */
  allLive(): ConsoleRevision[] {
    const rows = this.db
      .prepare(
        `${SELECT} WHERE r.commune_id = ? AND r.status = 'active'
           AND r.revision = (SELECT MAX(x.revision) FROM console_faq_revisions x
                              WHERE x.commune_id = r.commune_id AND x.entry_id = r.entry_id AND x.status = 'active')
         ORDER BY r.entry_id`,
      )
      .all(this.communeId) as RevisionRow[];
    return rows.map(revisionOf);
  }

  /** Marks the live revision reverted; returns it, or undefined when the entry has none left. */
  revert(entryId: string, by: string, at: Date, reason: string): ConsoleRevision | undefined {
    return this.db.transaction(() => {
      const current = this.live(entryId);
      if (!current) return undefined;
      this.db
        .prepare(
          `UPDATE console_faq_revisions SET status = 'reverted', reverted_by = ?, reverted_at = ?, revert_reason = ?
            WHERE commune_id = ? AND entry_id = ? AND revision = ?`,
        )
        .run(by, at.toISOString(), reason, this.communeId, entryId, current.revision);
      return current;
    })();
  }

  /** Runs `fn` in one transaction (a savepoint inside an open one), so a rebuild is all or nothing. */
  atomically(fn: () => void): void {
    this.db.transaction(fn)();
  }

  /** Replaces the ways to ask added to knowledge FAQ entries (knowledge id → variants). */
  replaceExtraVariants(byFaqId: ReadonlyMap<string, readonly string[]>): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM faq_extra_variants WHERE commune_id = ?').run(this.communeId);
      const insert = this.db.prepare(
        'INSERT INTO faq_extra_variants (commune_id, faq_id, variants_json) VALUES (?, ?, ?)',
      );
      for (const [id, variants] of byFaqId) insert.run(this.communeId, id, JSON.stringify(variants));
    })();
  }
}
