/**
 * Zalo replies after a crash. Zalo's send API has no idempotency key, so the
 * outbox promises at least once: a reply whose call was under way when the
 * process died is sent again. What it must not do is lose track: the start of
 * each attempt is committed before the call, so what a kill -9 during the call
 * leaves in the file (read here through a second connection while the fake
 * Zalo holds the call) says which reply may arrive twice, and the restarted
 * outbox sends it once more and says so in the log.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZaloOutbox, type Outbox, type Transport } from '../../src/channels/zalo/outbox.js';
import { alwaysOpen } from '../../src/channels/zalo/window.js';
import { ensureCommune, keepStatements, openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { WriteScope } from '../../src/storage/sqlite/writeScope.js';
import { SqliteZaloStore } from '../../src/storage/sqlite/zaloStore.js';
import { fixedClock, memoryLogger, tempDir } from '../helpers.js';

const COMMUNE = 'hung-chau';
const USER = '5000000000000000009';
const clock = fixedClock();

describe('the Zalo outbox across a crash during a send', () => {
  let tmp: { dir: string; cleanup: () => void };
  let path: string;
  const open: Db[] = [];

  beforeEach(() => {
    tmp = tempDir('hocvuso-zalo-outbox-');
    path = join(tmp.dir, 'hocvuso.db');
  });

  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    tmp.cleanup();
  });

  function outbox(send: Transport, withScope: boolean): { outbox: Outbox; store: SqliteZaloStore; lines: string[] } {
    const db = openDatabase(path);
    open.push(db);
    ensureCommune(db, COMMUNE);
    const writes = withScope ? new WriteScope(db) : undefined;
    const store = new SqliteZaloStore(db, COMMUNE, 'app', writes);
    const { logger, lines } = memoryLogger();
    return {
      outbox: createZaloOutbox({ store, send, window: alwaysOpen, clock, logger }),
      store,
      lines,
    };
  }

  /** The committed row, as a kill -9 at this moment would leave it. */
  function committedRow(): { status: string; sending_at: string | null } | undefined {
    const db = keepStatements(new Database(path, { readonly: true }));
    try {
      return db.prepare('SELECT status, sending_at FROM outbox WHERE user_id = ?').get(USER) as
        { status: string; sending_at: string | null } | undefined;
    } finally {
      db.close();
    }
  }

  it.each([
    ['with group commit', true],
    ['without', false],
  ])('records the attempt before the call, and resends it once after the restart (%s)', async (_name, scope) => {
    let called!: () => void;
    const calling = new Promise<void>((resolve) => (called = resolve));
    // The first process: Zalo never answers this call (the process dies during it).
    const first = outbox(() => {
      called();
      return new Promise(() => undefined);
    }, scope);
    first.store.enqueue(USER, [{ text: 'Câu 2/5: …' }], clock.now());
    void first.outbox.flush(USER);
    await calling;
    expect(committedRow()).toMatchObject({ status: 'pending', sending_at: expect.any(String) });
    // kill -9: nothing more of the first process reaches the file.
    open.splice(0).forEach((db) => db.close());

    const sent: string[] = [];
    const second = outbox((_user, m) => {
      sent.push(m.text);
      return Promise.resolve({ messageId: 'm-1' });
    }, scope);
    await second.outbox.flush(USER);
    expect(sent).toEqual(['Câu 2/5: …']);
    // The "sent" mark rides the loop turn's group commit.
    await new Promise((r) => setImmediate(r));
    expect(committedRow()).toEqual({ status: 'sent', sending_at: null });
    expect(second.lines.some((l) => l.includes('the resident may see it twice'))).toBe(true);

    // Flushed again (the next retry round): nothing goes out twice from a clean state.
    await second.outbox.flush(USER);
    expect(sent).toHaveLength(1);
  });

  it('clears the mark when Zalo refuses, so a later retry is not reported as a possible double', async () => {
    const { ZaloUnavailableError } = await import('../../src/channels/zalo/errors.js');
    const first = outbox(() => Promise.reject(new ZaloUnavailableError(503, 'message', 'HTTP 503')), false);
    first.store.enqueue(USER, [{ text: 'Xin chào' }], clock.now());
    await first.outbox.flush(USER);
    expect(committedRow()).toEqual({ status: 'pending', sending_at: null });
  });
});
