/**
 * @module storage/pg/pgStaffAudit
 *
 * The console's audit log on PostgreSQL (table `staff_audit`): the twin of
 * storage/sqlite/staffAudit. Append-only from the application's side (no
 * method updates or deletes a line); lines are numbered by an identity
 * column, so "newest first" and paging with `before` read the same as on
 * SQLite. Each call is one `withCommune` transaction: a commune's admins read
 * only their commune's lines, even if a query forgot its `commune_id`.
 */
import type { Clock } from '../../core/ports.js';
import type { AuditEntry, AuditLine, AuditLog, AuditReader } from '../../staff/types.js';
import { auditLineOf } from '../staffRowForms.js';
import type { PgDb } from './db.js';
import { withCommune } from './tenant.js';

export class PgAuditLog implements AuditLog, AuditReader {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
    private readonly clock: Clock,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await withCommune(this.db, this.communeId, (trx) =>
      trx
        .insertInto('staff_audit')
        .values({
          commune_id: this.communeId,
          at: this.clock.now().toISOString(),
          actor_id: entry.actorId,
          action: entry.action,
          target: entry.target ?? null,
          details_json: JSON.stringify(entry.details ?? {}),
        })
        .execute(),
    );
  }

  /** The latest lines, newest first; `before` (an id) pages further back. */
  async recent(limit: number, before?: number): Promise<AuditLine[]> {
    const rows = await withCommune(this.db, this.communeId, (trx) =>
      trx
        .selectFrom('staff_audit')
        .select(['id', 'at', 'actor_id', 'action', 'target', 'details_json'])
        .where('commune_id', '=', this.communeId)
        .where('id', '<', before ?? Number.MAX_SAFE_INTEGER)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.map(auditLineOf);
  }
}
