/**
 * @module storage/sqlite/db
 *
 * Opens the commune's SQLite file with the pragmas a small always-on service
 * wants (WAL for concurrent readers, foreign keys on, a busy timeout so the CLI
 * and the server can share the file) and brings its schema up to date.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DatabasePathError, prepareDatabaseFiles } from './dbFiles.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export { DatabasePathError };

export type Db = Database.Database;

/** Raised when the file cannot be opened or migrated; the message names the path. */
export class DatabaseOpenError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`Không mở được cơ sở dữ liệu "${path}": ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'DatabaseOpenError';
  }
}

/** Which file on disk a connection opened: the health check compares it with what the path names now. */
export interface FileIdentity {
  /** The absolute path the connection was opened with. */
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
}

const identities = new WeakMap<Db, FileIdentity>();

/** The file `db` opened (undefined for an in-memory database). */
export function openedFile(db: Db): FileIdentity | undefined {
  return identities.get(db);
}

/**
 * Opens (creating the folder and file if needed) and migrates the database.
 * A path that cannot be used throws DatabasePathError before SQLite opens it
 * (see dbFiles); anything SQLite itself refuses throws DatabaseOpenError.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (path !== ':memory:') prepareDatabaseFiles(path);
  let db: Db | undefined;
  try {
    db = new Database(path);
    if (!db.memory) {
      const file = resolve(path);
      const { dev, ino } = statSync(file);
      identities.set(db, { path: file, dev, ino });
    }
    keepStatements(db);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Deleted rows (a citizen's erased data, a cleared Zalo event) are overwritten with zeros, not left in free pages.
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations);
    return db;
  } catch (err) {
    db?.close();
    throw new DatabaseOpenError(path, err);
  }
}

/** Beyond this many distinct statements, new ones are prepared afresh each time (all SQL here is static). */
const MAX_KEPT_STATEMENTS = 1000;

/**
 * The statements of every connection this process opened, closed ones too,
 * held until the process ends (one connection in the service; a few per test
 * file, each file in a process of its own).
 */
const KEPT_FOR_LIFE = new Set<Map<string, Database.Statement>>();

/**
 * Keeps every statement the code prepares for the life of the process, keyed
 * by its SQL, so a `db.prepare(...)` inside a function costs one lookup after
 * the first call. It also means statements never become garbage: on Node 24,
 * better-sqlite3 12 aborts the whole process when the garbage collector
 * finalises a statement ("Assertion failed: (env) != nullptr" in
 * ~Statement: its object wrapper removes an environment hook with no
 * environment current; fixed in better-sqlite3 13, which needs Node 22). A
 * statement that is never collected is never finalised that way, so:
 *  - statements stay referenced after `close()` (a closed connection that
 *    became garbage took its statements with it: seen as test workers
 *    aborting right after a test closed a second connection);
 *  - `pragma()` goes through the same kept statements (better-sqlite3's own
 *    prepares a fresh statement on every call).
 * No code here switches a statement's mode (pluck, raw, expand) or iterates
 * one, so sharing them is safe. Exported for connections tests open
 * themselves.
 */
export function keepStatements(db: Db): Db {
  const prepare = db.prepare.bind(db);
  const kept = new Map<string, Database.Statement>();
  KEPT_FOR_LIFE.add(kept);
  db.prepare = ((source: string) => {
    let statement = kept.get(source);
    if (!statement) {
      statement = prepare(source);
      if (kept.size < MAX_KEPT_STATEMENTS) kept.set(source, statement);
    }
    return statement;
  }) as Db['prepare'];
  db.pragma = (source: string, options?: { simple?: boolean }) => {
    const statement = db.prepare(`PRAGMA ${source}`);
    if (!statement.reader) {
      statement.run();
      return options?.simple ? undefined : [];
    }
    if (!options?.simple) return statement.all();
    const row = statement.get() as Record<string, unknown> | undefined;
    return row ? Object.values(row)[0] : undefined;
  };
  return db;
}

/**
 * Applies every migration not yet recorded, in version order, each in its own
 * transaction. Recorded versions are compared one by one (not just the highest)
 * so a migration that lands on main after a later-numbered one still runs.
 */
export function migrate(db: Db, migrations: readonly Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => !applied.has(m.version));
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    })();
  }
  return pending.length;
}

/** A cheap query that proves the file is readable; used by /healthz. */
export function pingDatabase(db: Db): boolean {
  try {
    db.prepare('SELECT 1').get();
    return true;
  } catch {
    return false;
  }
}

/** Makes sure the configured commune exists (one install may serve another commune than the default). */
export function ensureCommune(db: Db, communeId: string, name = communeId): void {
  db.prepare('INSERT OR IGNORE INTO communes (id, name) VALUES (?, ?)').run(communeId, name);
}
