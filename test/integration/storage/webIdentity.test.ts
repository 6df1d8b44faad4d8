import { describe, expect, it } from 'vitest';
import { ensureCommune, openDatabase } from '../../../src/storage/sqlite/db.js';
import { SqliteOutboxStore } from '../../../src/storage/sqlite/outboxStore.js';
import { moveWebIdentity } from '../../../src/storage/sqlite/webIdentity.js';

describe('moving a web session to a new id', () => {
  it('takes the replies still owed to the visitor along, and leaves other channels alone', () => {
    const db = openDatabase(':memory:');
    ensureCommune(db, 'hung-chau');
    const web = new SqliteOutboxStore<{ text: string }>(db, 'hung-chau', 'web');
    const telegram = new SqliteOutboxStore<{ text: string }>(db, 'hung-chau', 'telegram');
    const at = new Date('2026-12-06T08:00:00Z');
    web.enqueue('old-session', [{ text: 'Cán bộ xã trả lời: …' }], at);
    telegram.enqueue('old-session', [{ text: 'khác kênh' }], at);

    expect(moveWebIdentity(db, 'hung-chau', 'old-session', 'new-session')).toBe(1);

    expect(web.pendingOf('old-session', 10)).toEqual([]);
    expect(web.pendingOf('new-session', 10).map((r) => r.payload)).toEqual([{ text: 'Cán bộ xã trả lời: …' }]);
    expect(telegram.pendingOf('old-session', 10)).toHaveLength(1);
  });
});
