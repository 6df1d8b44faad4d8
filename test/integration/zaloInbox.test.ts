/**
 * The webhook's own inbox file (ZALO_HANDLER_THREADS=1): a real SQLite file
 * with its own migration, de-duplication by key, the not-yet-done events in
 * arrival order, and pruning of done ones only.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { INBOX_MIGRATIONS, inboxPathFor, SqliteZaloInbox } from '../../src/storage/sqlite/zaloInbox.js';
import { tempDir } from '../helpers.js';

describe('SqliteZaloInbox', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  function open(): { db: Db; inbox: SqliteZaloInbox; path: string } {
    const tmp = tempDir('hocvuso-inbox-');
    const path = inboxPathFor(join(tmp.dir, 'hocvuso.db'));
    const db = openDatabase(path, INBOX_MIGRATIONS);
    cleanups.push(() => {
      db.close();
      tmp.cleanup();
    });
    return { db, inbox: new SqliteZaloInbox(db, 'hung-chau'), path };
  }

  it('lives next to the database file, with the same stem', () => {
    expect(inboxPathFor('data/hocvuso.db')).toBe('data/hocvuso.zalo-inbox.db');
    expect(inboxPathFor('/srv/xa.sqlite3')).toBe('/srv/xa.zalo-inbox.sqlite3');
    expect(inboxPathFor('/srv/hocvuso')).toBe('/srv/hocvuso.zalo-inbox');
  });

  it('records a delivery once and gives back the ones not done, oldest first', () => {
    const { inbox } = open();
    const at = new Date('2026-12-02T08:00:00Z');
    expect(inbox.receive('msg:a', 'u1', '{"kind":"follow","userId":"u1"}', at)).toBe(true);
    expect(inbox.receive('msg:b', 'u2', '{"kind":"follow","userId":"u2"}', at)).toBe(true);
    expect(inbox.receive('msg:a', 'u1', '{"kind":"follow","userId":"u1"}', at)).toBe(false);
    expect(inbox.unhandled(10).map((r) => r.key)).toEqual(['msg:a', 'msg:b']);

    inbox.markHandled('msg:a', at);
    expect(inbox.unhandled(10)).toEqual([{ key: 'msg:b', userId: 'u2', event: '{"kind":"follow","userId":"u2"}' }]);
    // Still known: a redelivery of a done event is recognised.
    expect(inbox.receive('msg:a', 'u1', '{}', at)).toBe(false);
  });

  it('clears what a resident wrote once the event is done, and prunes only done events', () => {
    const { db, inbox } = open();
    inbox.receive('old-done', 'u1', '{"text":"số CCCD của tôi"}', new Date('2026-11-01T00:00:00Z'));
    inbox.receive('old-waiting', 'u1', '{}', new Date('2026-11-01T00:00:00Z'));
    inbox.receive('new-done', 'u1', '{}', new Date('2026-12-02T00:00:00Z'));
    inbox.markHandled('old-done', new Date('2026-11-01T00:00:01Z'));
    inbox.markHandled('new-done', new Date('2026-12-02T00:00:01Z'));
    const kept = db.prepare(`SELECT event_json FROM zalo_inbox WHERE event_key = 'old-done'`).get() as {
      event_json: string | null;
    };
    expect(kept.event_json).toBeNull();

    expect(inbox.prune(new Date('2026-11-25T00:00:00Z'))).toBe(1);
    expect(inbox.unhandled(10).map((r) => r.key)).toEqual(['old-waiting']);
    expect(inbox.receive('new-done', 'u1', '{}', new Date())).toBe(false);
  });

  it('migrates a file once and reopens it without losing deliveries', () => {
    const { db, inbox, path } = open();
    inbox.receive('k', 'u', '{}', new Date());
    db.close();
    const again = openDatabase(path, INBOX_MIGRATIONS);
    try {
      expect(new SqliteZaloInbox(again, 'hung-chau').unhandled(5).map((r) => r.key)).toEqual(['k']);
      expect(again.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: 1 });
    } finally {
      again.close();
    }
  });
});
