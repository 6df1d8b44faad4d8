/**
 * The handoff store (storage/sqlite/handoffRepo.ts, migration 020): one open
 * thread per conversation, messages in order, delivery read from the outbox
 * row, and hamlet scoping — a hamlet team cannot list, open or follow
 * another hamlet's threads, nor the commune queue's.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HandoffScope } from '../../src/core/stores/handoff.js';
import type { Services } from '../../src/services.js';
import { SqliteHandoffStore } from '../../src/storage/sqlite/handoffRepo.js';
import { SqliteOutboxStore } from '../../src/storage/sqlite/outboxStore.js';
import { rotateWebIdentity } from '../../src/storage/sqlite/webIdentity.js';
import { fixedClock, readyServices, tempDir } from '../helpers.js';

const COMMUNE: HandoffScope = { kind: 'commune' };
const XOM_1: HandoffScope = { kind: 'hamlet', hamletId: 'xom-1' };
const XOM_2: HandoffScope = { kind: 'hamlet', hamletId: 'xom-2' };

describe('handoff store', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: Services;
  let store: SqliteHandoffStore;
  const clock = fixedClock();

  beforeEach(async () => {
    tmp = tempDir('hocvuso-handoff-store-');
    services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'hocvuso.db') }, clock);
    store = new SqliteHandoffStore(services.db, services.config.COMMUNE_ID);
  });

  afterEach(() => {
    services.close();
    tmp.cleanup();
  });

  const open = (userId: string, hamletId?: string, minutes = 0) =>
    store.open({
      channel: 'zalo',
      userId,
      reason: 'asked',
      ...(hamletId !== undefined && { hamletId }),
      at: new Date(clock.now().getTime() + minutes * 60_000),
    });

  it('keeps one open thread per conversation, and a new one after "Xong"', () => {
    const first = open('u1', 'xom-1');
    expect(open('u1', 'xom-1').id).toBe(first.id);
    expect(store.openThreadOf('zalo', 'u1')?.id).toBe(first.id);
    expect(store.openThreadOf('telegram', 'u1')).toBeUndefined();
    store.close(first.id, 'staff-1', clock.now());
    expect(store.openThreadOf('zalo', 'u1')).toBeUndefined();
    expect(store.get(first.id, COMMUNE)).toMatchObject({ status: 'closed', closedAt: clock.now().toISOString() });
    expect(open('u1', 'xom-1').id).not.toBe(first.id);
  });

  it('a hamlet scope sees only its hamlet: list, get and the live feed', () => {
    const a = open('u1', 'xom-1', 1);
    const b = open('u2', 'xom-2', 2);
    const q = open('u3', undefined, 3);
    for (const t of [a, b, q]) store.append(t.id, { author: 'resident', text: `hỏi ${t.userId}`, at: clock.now() });

    expect(store.list(COMMUNE, { limit: 10 }).map((t) => t.id)).toEqual([q.id, b.id, a.id]);
    expect(store.list(XOM_1, { limit: 10 }).map((t) => t.id)).toEqual([a.id]);
    expect(store.list(XOM_2, { status: 'open', limit: 10 }).map((t) => t.id)).toEqual([b.id]);

    expect(store.get(a.id, XOM_1)?.id).toBe(a.id);
    expect(store.get(b.id, XOM_1)).toBeUndefined();
    expect(store.get(q.id, XOM_1)).toBeUndefined();
    expect(store.get(q.id, COMMUNE)?.hamletId).toBeUndefined();

    expect(store.since(XOM_1, 0, 50).map((m) => m.text)).toEqual(['hỏi u1']);
    expect(store.since(COMMUNE, 0, 50).map((m) => m.text)).toEqual(['hỏi u1', 'hỏi u2', 'hỏi u3']);
    const firstId = store.since(COMMUNE, 0, 1)[0]?.id ?? 0;
    expect(store.since(COMMUNE, firstId, 50)).toHaveLength(2);
  });

  it('counts unread resident messages until staff write, and lists open threads first', () => {
    const a = open('u1', 'xom-1');
    const b = open('u2', 'xom-1', 1);
    store.append(a.id, { author: 'resident', text: 'một', at: clock.now() });
    store.append(a.id, { author: 'resident', text: 'hai', at: clock.now() });
    expect(store.get(a.id, XOM_1)?.unread).toBe(2);
    store.append(a.id, { author: 'note', staffId: 's1', text: 'ghi chú', at: clock.now() });
    expect(store.get(a.id, XOM_1)?.unread).toBe(2);
    store.append(a.id, { author: 'staff', staffId: 's1', text: 'trả lời', at: clock.now() });
    expect(store.get(a.id, XOM_1)).toMatchObject({ unread: 0, assigneeId: 's1' });
    store.close(b.id, 's1', new Date(clock.now().getTime() + 3_600_000));
    expect(store.list(XOM_1, { limit: 10 }).map((t) => t.id)).toEqual([a.id, b.id]);
    expect(store.messages(a.id, 0, 10).map((m) => [m.author, m.delivery])).toEqual([
      ['resident', 'none'],
      ['resident', 'none'],
      ['note', 'none'],
      ['staff', 'pending'],
    ]);
  });

  it('reads a staff reply’s delivery from its outbox row: pending, held, sent, failed', () => {
    const outbox = new SqliteOutboxStore<{ text: string }>(services.db, services.config.COMMUNE_ID, 'zalo');
    const t = open('u1', 'xom-1');
    const [id] = outbox.enqueue('u1', [{ text: 'trả lời' }], clock.now());
    const m = store.append(t.id, { author: 'staff', staffId: 's1', text: 'trả lời', outboxId: id, at: clock.now() });
    const delivery = () => store.messages(t.id, 0, 10).find((x) => x.id === m.id)?.delivery;
    store.refreshDelivery(t.id);
    expect(delivery()).toBe('pending');
    outbox.holdAll('u1', 'outside free window', clock.now());
    store.refreshDelivery(t.id);
    expect(delivery()).toBe('held');
    outbox.release('u1', clock.now());
    store.refreshDelivery(t.id);
    expect(delivery()).toBe('pending');
    outbox.markSent(id ?? 0, clock.now(), 'm1');
    store.refreshDelivery(t.id);
    expect(delivery()).toBe('sent');

    const [other] = outbox.enqueue('u1', [{ text: 'hai' }], clock.now());
    const m2 = store.append(t.id, { author: 'staff', staffId: 's1', text: 'hai', outboxId: other, at: clock.now() });
    outbox.markFailed(other ?? 0, 'zalo 400', clock.now());
    store.refreshDelivery(t.id);
    expect(store.messages(t.id, m.id, 10).find((x) => x.id === m2.id)?.delivery).toBe('failed');
  });

  it('forgets every thread and message of a resident, and only theirs', () => {
    const a = open('u1', 'xom-1');
    const b = open('u2', 'xom-1');
    store.append(a.id, { author: 'resident', text: 'của u1', at: clock.now() });
    store.append(b.id, { author: 'resident', text: 'của u2', at: clock.now() });
    store.forget('zalo', 'u1');
    expect(store.get(a.id, COMMUNE)).toBeUndefined();
    expect(store.since(COMMUNE, 0, 10).map((m) => m.text)).toEqual(['của u2']);
  });

  it('a web session rotated to a new id takes its threads along (so erasure still finds them)', async () => {
    const t = store.open({ channel: 'web', userId: 'sess-old', reason: 'asked', at: clock.now() });
    store.close(t.id, 's1', clock.now());
    await rotateWebIdentity(services.db, services.writes, services.config.COMMUNE_ID, 'sess-old', 'sess-new');
    expect(store.get(t.id, COMMUNE)?.userId).toBe('sess-new');
    store.forget('web', 'sess-new');
    expect(store.get(t.id, COMMUNE)).toBeUndefined();
  });
});
