/**
 * @module storage/sqlite/communeRegistry
 *
 * The `communes` rows of a SQLite file (core/stores/communes.ts). A SQLite
 * install serves one commune (COMMUNE_ID), but `cli commune add` works on it
 * too, so a commune can be prepared before the move to PostgreSQL
 * (`cli migrate-to-pg` copies the rows).
 */
import type { CommuneRegistry } from '../../core/stores/communes.js';
import type { KnownCommune } from '../../core/stores/province.js';
import type { Db } from './db.js';

export class SqliteCommuneRegistry implements CommuneRegistry {
  constructor(private readonly db: Db) {}

  add(id: string, name: string): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO communes (id, name) VALUES (?, ?)').run(id, name).changes === 1;
  }

  get(id: string): KnownCommune | undefined {
    return this.db.prepare('SELECT id, name FROM communes WHERE id = ?').get(id) as KnownCommune | undefined;
  }

  list(): KnownCommune[] {
    return this.db.prepare('SELECT id, name FROM communes ORDER BY id').all() as KnownCommune[];
  }
}
