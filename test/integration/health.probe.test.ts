/**
 * The parts of the health check a file system will not do on demand: a full
 * disk (its free space is injected), a write SQLite refuses (a read-only
 * connection to the same file), and what the log says: a fault once, its
 * recovery once, nothing on the probes in between.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadWebAssets } from '../../src/channels/web/assets.js';
import { createApp } from '../../src/http/app.js';
import { createHealthMonitor } from '../../src/http/health.js';
import { keepStatements, openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { createDatabaseProbe, MIN_FREE_BYTES } from '../../src/storage/sqlite/health.js';
import { WriteScope } from '../../src/storage/sqlite/writeScope.js';
import { memoryLogger, tempDir } from '../helpers.js';

const NOW = new Date('2026-12-06T08:00:00.000Z');

describe('the database health probe', () => {
  const tmp = tempDir('hocvuso-probe-');
  const open: Db[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
  });
  afterAll(() => tmp.cleanup());

  function database(): { db: Db; path: string } {
    const path = join(tmp.dir, `h-${open.length}.db`);
    const db = openDatabase(path);
    open.push(db);
    return { db, path };
  }

  it('answers 503 "disk_full" through /healthz while the disk is full, logging the fault once and the recovery once', async () => {
    const { db } = database();
    let free = 10 * MIN_FREE_BYTES;
    const log = memoryLogger();
    const monitor = createHealthMonitor({
      probe: createDatabaseProbe({
        db,
        writes: new WriteScope(db),
        communeId: 'hung-chau',
        now: () => NOW,
        freeBytes: () => free,
      }),
      logger: log.logger,
      reuseMs: 0,
    });
    const app = createApp({
      chat: () => Promise.resolve({ replies: [] }),
      healthy: () => monitor.check(),
      assets: loadWebAssets(),
      logger: log.logger,
      maxBodyBytes: 1000,
    });
    const probe = async () => {
      const res = await app.request('/healthz');
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    expect(await probe()).toEqual({ status: 200, body: { status: 'ok', database: true } });
    free = 4096;
    for (let i = 0; i < 4; i++) {
      const { status, body } = await probe();
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: 'unavailable', database: false, reason: 'disk_full' });
      expect(body.message).toContain('đầy');
    }
    free = 10 * MIN_FREE_BYTES;
    expect((await probe()).status).toBe(200);
    expect((await probe()).status).toBe(200);

    const faults = log.lines.filter((l) => l.includes('"disk_full"'));
    expect(faults).toHaveLength(2); // the fault, then the recovery naming what cleared
    expect(faults[0]).toContain('"level":50');
    expect(faults[1]).toContain('"level":30');
    expect(faults[1]).toContain('trở lại');
    expect(log.lines).toHaveLength(2);
  });

  it('reports "write_failed" with SQLite\'s reason when the write is refused', async () => {
    const { path } = database();
    const readOnly = keepStatements(new Database(path, { readonly: true }));
    try {
      const result = await createDatabaseProbe({
        db: readOnly,
        writes: new WriteScope(readOnly),
        communeId: 'hung-chau',
        now: () => NOW,
      })();
      expect(result).toMatchObject({ ok: false, reason: 'write_failed' });
      expect(result.ok ? '' : result.message).toContain('readonly');
    } finally {
      readOnly.close();
    }
  });

  it('writes the probe time, and shares one probe among the requests of one interval', async () => {
    const { db } = database();
    let probes = 0;
    const inner = createDatabaseProbe({ db, writes: new WriteScope(db), communeId: 'hung-chau', now: () => NOW });
    const monitor = createHealthMonitor({
      probe: () => {
        probes++;
        return inner();
      },
      logger: memoryLogger().logger,
      reuseMs: 60_000,
    });
    const answers = await Promise.all(Array.from({ length: 20 }, () => monitor.check()));
    expect(answers.every((a) => a.status === 'ok')).toBe(true);
    expect(await monitor.check()).toEqual({ status: 'ok', database: true });
    expect(probes).toBe(1);
    expect(db.prepare('SELECT checked_at FROM health_checks WHERE commune_id = ?').get('hung-chau')).toEqual({
      checked_at: NOW.toISOString(),
    });
  });
});
