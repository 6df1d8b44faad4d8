/**
 * @module storage/sqlite/populationRepo
 *
 * The denominators staff enter (migration 012): people per hamlet × target
 * group, and adults certified on VNeID per hamlet (plan §III d). A save is
 * one transaction and says what it changed, old and new, so the console can
 * put exactly that in the audit log and a failed import leaves nothing half
 * written.
 */
import type { CertifiedCount, PopulationCount, PopulationSource } from '../../core/stores/reports.js';
import type { PopulationChange, PopulationEdit, PopulationStore } from '../../core/stores/populationEdit.js';
import type { Db } from './db.js';

export type { PopulationChange, PopulationEdit } from '../../core/stores/populationEdit.js';

export class SqlitePopulationRepo implements PopulationSource, PopulationStore {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  population(): PopulationCount[] {
    return this.db
      .prepare(
        `SELECT hamlet_id AS hamletId, group_id AS groupId, people FROM population
          WHERE commune_id = ? ORDER BY hamlet_id, group_id`,
      )
      .all(this.communeId) as PopulationCount[];
  }

  vneidCertified(): CertifiedCount[] {
    return this.db
      .prepare('SELECT hamlet_id AS hamletId, certified FROM vneid_certified WHERE commune_id = ? ORDER BY hamlet_id')
      .all(this.communeId) as CertifiedCount[];
  }

  /** Applies every cell in one transaction; returns the cells whose value actually changed. */
  save(edit: PopulationEdit, by: string, now: Date): PopulationChange[] {
    const at = now.toISOString();
    const c = this.communeId;
    const changes: PopulationChange[] = [];
    this.db.transaction(() => {
      const getPeople = this.db.prepare(
        'SELECT people FROM population WHERE commune_id = ? AND hamlet_id = ? AND group_id = ?',
      );
      const setPeople = this.db.prepare(
        `INSERT INTO population (commune_id, hamlet_id, group_id, people, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (commune_id, hamlet_id, group_id) DO UPDATE SET
           people = excluded.people, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      );
      const clearPeople = this.db.prepare(
        'DELETE FROM population WHERE commune_id = ? AND hamlet_id = ? AND group_id = ?',
      );
      for (const cell of edit.population) {
        const before =
          (getPeople.get(c, cell.hamletId, cell.groupId) as { people: number } | undefined)?.people ?? null;
        if (before === cell.people) continue;
        if (cell.people === null) clearPeople.run(c, cell.hamletId, cell.groupId);
        else setPeople.run(c, cell.hamletId, cell.groupId, cell.people, at, by);
        changes.push({ hamletId: cell.hamletId, groupId: cell.groupId, before, after: cell.people });
      }
      const getCertified = this.db.prepare(
        'SELECT certified FROM vneid_certified WHERE commune_id = ? AND hamlet_id = ?',
      );
      const setCertified = this.db.prepare(
        `INSERT INTO vneid_certified (commune_id, hamlet_id, certified, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (commune_id, hamlet_id) DO UPDATE SET
           certified = excluded.certified, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      );
      const clearCertified = this.db.prepare('DELETE FROM vneid_certified WHERE commune_id = ? AND hamlet_id = ?');
      for (const cell of edit.certified) {
        const before = (getCertified.get(c, cell.hamletId) as { certified: number } | undefined)?.certified ?? null;
        if (before === cell.certified) continue;
        if (cell.certified === null) clearCertified.run(c, cell.hamletId);
        else setCertified.run(c, cell.hamletId, cell.certified, at, by);
        changes.push({ hamletId: cell.hamletId, before, after: cell.certified });
      }
    })();
    return changes;
  }
}
