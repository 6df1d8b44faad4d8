/**
 * Background WAL checkpoints: while the checkpointer runs, the service's own
 * connection no longer checkpoints inside its commits, yet the WAL's pages
 * still reach the database file; stopping gives checkpoints back.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../src/storage/sqlite/checkpointer.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { memoryLogger, tempDir } from '../helpers.js';

describe('startCheckpointer', () => {
  const tmp = tempDir('hocvuso-ckpt-');
  let db: Db | undefined;
  afterEach(() => {
    db?.close();
    tmp.cleanup();
  });

  it('checkpoints from its own thread and hands checkpoints back on stop', async () => {
    const path = join(tmp.dir, 'ckpt.db');
    db = openDatabase(path, []);
    db.exec('CREATE TABLE t (v TEXT)');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const before = statSync(path).size;
    const checkpointer = await startCheckpointer(db, memoryLogger().logger, 20);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('x'.repeat(500));
    })();
    // Nothing in this connection checkpoints now; only the worker can move the pages into the file.
    for (let i = 0; i < 100 && statSync(path).size <= before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(statSync(path).size).toBeGreaterThan(before + 500_000);
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('does nothing for an in-memory database', async () => {
    db = openDatabase(':memory:', []);
    const checkpointer = await startCheckpointer(db, memoryLogger().logger);
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });
});
