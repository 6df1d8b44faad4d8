/**
 * Database files the service cannot write stop start-up with exit code 2
 * and a Vietnamese message naming DATABASE_PATH and the file. Before, SQLite
 * opened such a file read-only without a word (the failure came at the first
 * write, or never in /healthz), and with the `-shm` file unwritable the
 * process died on SIGBUS with no log line.
 *
 * Root ignores file modes, so as root the service runs as the unprivileged
 * user 65534 over files it owns but may not write; as any other user, it
 * runs as that user. If neither can run the service the tests fail: they
 * never pass without having tried.
 */
import { chmodSync, chownSync, copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/sqlite/db.js';
import { tempDir } from '../helpers.js';
import { readyPort, spawnService, unprivileged, waitForHealth, type RunAs } from '../serviceProcess.js';

describe('database files the service cannot write', () => {
  const tmp = tempDir('hocvuso-unwritable-');
  let as: RunAs;
  let caseNo = 0;

  beforeAll(() => {
    as = unprivileged();
    chmodSync(tmp.dir, 0o755); // mkdtemp made it 0700: the unprivileged user must reach the folders inside
  });
  afterAll(() => {
    as.cleanup();
    tmp.cleanup();
  });

  /**
   * A data folder holding a migrated database, as a crash leaves it: the
   * file, its WAL and its shared-memory file (copied while the connection is
   * still open), all owned by the user the service runs as.
   */
  function crashedData(): { dir: string; db: string } {
    const source = join(tmp.dir, `source-${++caseNo}`);
    const dir = join(tmp.dir, `data-${caseNo}`);
    mkdirSync(dir);
    const db = openDatabase(join(source, 'hocvuso.db'));
    db.prepare('INSERT OR IGNORE INTO communes (id, name) VALUES (?, ?)').run('hung-chau', 'Hùng Châu');
    for (const f of readdirSync(source)) copyFileSync(join(source, f), join(dir, f));
    db.close();
    if (as.uid !== undefined) {
      chownSync(dir, as.uid, as.gid ?? as.uid);
      for (const f of readdirSync(dir)) chownSync(join(dir, f), as.uid, as.gid ?? as.uid);
    }
    return { dir, db: join(dir, 'hocvuso.db') };
  }

  async function startAs(dbPath: string) {
    expect(as.ready, as.why).toBe(true);
    const run = spawnService(
      { DATABASE_PATH: dbPath, PORT: '0', HOST: '127.0.0.1', KNOWLEDGE_DIR: tmp.dir, LOG_LEVEL: 'info' },
      { uid: as.uid, gid: as.gid, node: as.node, killAfterMs: 20_000 },
    );
    return run.exited;
  }

  it("the same leftovers, writable: the service starts as that user (so the refusals below are the files' doing)", async () => {
    expect(as.ready, as.why).toBe(true);
    const { db } = crashedData();
    const run = spawnService(
      { DATABASE_PATH: db, PORT: '0', HOST: '127.0.0.1', KNOWLEDGE_DIR: tmp.dir, LOG_LEVEL: 'info' },
      { uid: as.uid, gid: as.gid, node: as.node, killAfterMs: 30_000 },
    );
    try {
      const port = await readyPort(run.stderr, 20_000);
      expect(await waitForHealth(port, 200, 20_000)).toEqual({ status: 'ok', database: true });
    } finally {
      run.child.kill('SIGTERM');
    }
    const { code, stderr } = await run.exited;
    expect(code, stderr).toBe(0);
  });

  it('a database file made read-only: exit 2 naming DATABASE_PATH and the file', async () => {
    const { db } = crashedData();
    expect(readdirSync(join(db, '..')).sort()).toEqual(['hocvuso.db', 'hocvuso.db-shm', 'hocvuso.db-wal']);
    chmodSync(db, 0o444);
    const { code, signal, stderr } = await startAs(db);
    expect({ code, signal }, stderr).toEqual({ code: 2, signal: null });
    expect(stderr).toContain(`DATABASE_PATH = ${JSON.stringify(db)}`);
    expect(stderr).toContain(`tệp cơ sở dữ liệu "${db}" không có quyền ghi`);
  });

  it('a shared-memory (-shm) file left unwritable: exit 2 with a message, not a silent SIGBUS', async () => {
    const { db } = crashedData();
    chmodSync(`${db}-shm`, 0o444);
    const { code, signal, stderr } = await startAs(db);
    expect({ code, signal }, stderr).toEqual({ code: 2, signal: null });
    expect(stderr).toContain(`DATABASE_PATH = ${JSON.stringify(db)}`);
    expect(stderr).toContain(`"${db}-shm" không có quyền ghi`);
  });

  it('a WAL file left unwritable: exit 2 naming it', async () => {
    const { db } = crashedData();
    chmodSync(`${db}-wal`, 0o444);
    const { code, stderr } = await startAs(db);
    expect(code, stderr).toBe(2);
    expect(stderr).toContain(`"${db}-wal" không có quyền ghi`);
  });

  it('a folder it may not write (no database yet): exit 2 naming the folder', async () => {
    const { dir } = crashedData();
    const fresh = join(dir, 'sub', 'new.db');
    mkdirSync(join(dir, 'sub'), { mode: 0o755 }); // owned by the test's user, not the service's
    if (as.uid === undefined) chmodSync(join(dir, 'sub'), 0o555);
    const { code, stderr } = await startAs(fresh);
    expect(code, stderr).toBe(2);
    expect(stderr).toContain(`DATABASE_PATH = ${JSON.stringify(fresh)}`);
    expect(stderr).toContain(`thư mục "${join(dir, 'sub')}" không có quyền ghi`);
  });
});
