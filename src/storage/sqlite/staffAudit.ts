/**
 * @module storage/sqlite/staffAudit
 *
 * The console's audit log (table `staff_audit`): who signed in, who failed,
 * who exported or changed what. Append-only from the application's side;
 * admins read the latest lines at GET /staff/api/audit.
 */
import type { Clock } from '../../core/ports.js';
import type { AuditEntry, AuditLine, AuditLog, AuditReader } from '../../staff/types.js';
import { auditLineOf, type AuditRow } from '../staffRowForms.js';
import type { Db } from './db.js';

export class SqliteAuditLog implements AuditLog, AuditReader {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
    private readonly clock: Clock,
  ) {}

  record(entry: AuditEntry): void {
    this.db
      .prepare(
        'INSERT INTO staff_audit (commune_id, at, actor_id, action, target, details_json) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        this.communeId,
        this.clock.now().toISOString(),
        entry.actorId,
        entry.action,
        entry.target ?? null,
        JSON.stringify(entry.details ?? {}),
      );
  }

  /** The latest lines, newest first; `before` (an id) pages further back. */
  recent(limit: number, before?: number): AuditLine[] {
    const rows = this.db
      .prepare(
        `SELECT id, at, actor_id, action, target, details_json FROM staff_audit
         WHERE commune_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
      )
      .all(this.communeId, before ?? Number.MAX_SAFE_INTEGER, limit) as AuditRow[];
    return rows.map(auditLineOf);
  }
}
