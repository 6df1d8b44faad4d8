/**
 * The HandoffStore contract (core/stores/handoff.ts) and the handoff writer's
 * (core/handoff/service.ts `HandoffWriter`), run on SQLite
 * (test/integration/handoffStoreContract.test.ts) and PostgreSQL
 * (test/pg/handoffStore.test.ts): one open thread per conversation, hamlet
 * scoping on every read, the inbox's order, the live feed's `since`/`headId`,
 * "Xong", erasure, delivery read back from the outbox row, and a staff reply
 * stored with the outbox row that carries it. Named *.contract.ts so no
 * vitest config collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHandoffService, type HandoffWriter } from '../../src/core/handoff/service.js';
import { ReplyRoutes, type ReplyRoute } from '../../src/core/handoff/routes.js';
import type { OutgoingReply } from '../../src/core/messages.js';
import type { MaybePromise } from '../../src/core/ports.js';
import type { HandoffScope, HandoffStore, HandoffThread } from '../../src/core/stores/handoff.js';
import type { TableAccess } from './tables.js';

export interface HandoffSubject {
  readonly store: HandoffStore;
  readonly writer: HandoffWriter;
  /** The residents' Zalo route: queues `contractRender`'s rows in the database's own way. */
  readonly route: ReplyRoute;
  readonly communeId: string;
  readonly tables: TableAccess;
  readonly close: () => MaybePromise<void>;
}

/** What the contract's route stores for a reply: its text only. */
export function contractRender(_userId: string, replies: readonly OutgoingReply[]): { text: string }[] {
  return replies.map((r) => ({ text: r.text }));
}

const COMMUNE: HandoffScope = { kind: 'commune' };
const XOM_1: HandoffScope = { kind: 'hamlet', hamletId: 'xom-1' };
const XOM_2: HandoffScope = { kind: 'hamlet', hamletId: 'xom-2' };

/** An outbox row's rendered reply, as stored. */
const payloadOf = (row: Record<string, unknown>): unknown => JSON.parse(String(row['payload_json']));

/** 2026-12-01 08:mm local (01:mm UTC). */
const at = (minute: number): Date => new Date(Date.UTC(2026, 11, 1, 1, minute));

export function describeHandoffStoreContract(name: string, make: () => MaybePromise<HandoffSubject>): void {
  describe(`HandoffStore contract (${name})`, () => {
    let subject: HandoffSubject | undefined;
    const start = async (): Promise<HandoffSubject> => (subject = await make());
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    const openFor = (store: HandoffStore, userId: string, hamletId: string | undefined, minute: number) =>
      store.open({
        channel: 'zalo',
        userId,
        reason: 'asked',
        ...(hamletId !== undefined && { hamletId }),
        at: at(minute),
      });

    it('opens one thread per conversation, returns the open one when asked again, and a new one after "Xong"', async () => {
      const { store } = await start();
      expect(await store.openThreadOf('zalo', 'u1')).toBeUndefined();
      const first = await store.open({
        channel: 'zalo',
        userId: 'u1',
        citizenId: 'c-1',
        hamletId: 'xom-1',
        reason: 'offered',
        suspendedQuiz: 'vneid-co-ban',
        at: at(0),
      });
      expect(first).toEqual({
        id: first.id,
        channel: 'zalo',
        userId: 'u1',
        citizenId: 'c-1',
        hamletId: 'xom-1',
        status: 'open',
        reason: 'offered',
        openedAt: at(0).toISOString(),
        lastAt: at(0).toISOString(),
        unread: 0,
        suspendedQuiz: 'vneid-co-ban',
      });
      const again = await store.open({ channel: 'zalo', userId: 'u1', reason: 'asked', at: at(5) });
      expect(again).toEqual(first);
      expect(await store.openThreadOf('zalo', 'u1')).toEqual(first);
      // The same user id on another channel is another conversation.
      expect(await store.openThreadOf('telegram', 'u1')).toBeUndefined();

      await store.close(first.id, 'lan', at(10));
      expect(await store.openThreadOf('zalo', 'u1')).toBeUndefined();
      const closed = await store.get(first.id, COMMUNE);
      expect(closed).toMatchObject({ status: 'closed', closedAt: at(10).toISOString(), lastAt: at(10).toISOString() });
      // A second "Xong" changes nothing.
      await store.close(first.id, 'binh', at(20));
      expect(await store.get(first.id, COMMUNE)).toEqual(closed);

      const second = await openFor(store, 'u1', undefined, 30);
      expect(second.id).toBeGreaterThan(first.id);
      expect(second.hamletId).toBeUndefined();
      expect(second.citizenId).toBeUndefined();
      expect(second.suspendedQuiz).toBeUndefined();
    });

    it('counts the resident’s messages unread until staff write; a staff reply claims the thread once', async () => {
      const { store } = await start();
      const t = await openFor(store, 'u1', 'xom-1', 0);
      expect(await store.residentWrote(t.id)).toBe(false);
      const m1 = await store.append(t.id, { author: 'resident', text: 'Cho tôi hỏi', at: at(1) });
      await store.append(t.id, { author: 'resident', text: 'về tạm trú', at: at(2) });
      expect(m1).toEqual({
        id: m1.id,
        threadId: t.id,
        author: 'resident',
        text: 'Cho tôi hỏi',
        at: at(1).toISOString(),
        delivery: 'none',
      });
      expect(await store.residentWrote(t.id)).toBe(true);
      expect(await store.get(t.id, COMMUNE)).toMatchObject({ unread: 2, lastAt: at(2).toISOString() });
      expect((await store.get(t.id, COMMUNE))?.assigneeId).toBeUndefined();

      const reply = await store.append(t.id, {
        author: 'staff',
        staffId: 'lan',
        text: 'Chào bác',
        outboxId: 7,
        at: at(3),
      });
      expect(reply).toEqual({
        id: reply.id,
        threadId: t.id,
        author: 'staff',
        staffId: 'lan',
        text: 'Chào bác',
        at: at(3).toISOString(),
        delivery: 'pending',
        outboxId: 7,
      });
      expect(await store.get(t.id, COMMUNE)).toMatchObject({
        unread: 0,
        assigneeId: 'lan',
        lastAt: at(3).toISOString(),
      });
      await store.append(t.id, { author: 'staff', staffId: 'binh', text: 'Bổ sung', at: at(4), delivery: 'failed' });
      const note = await store.append(t.id, { author: 'note', staffId: 'binh', text: 'gọi lại sau', at: at(5) });
      expect(note.delivery).toBe('none');
      await store.append(t.id, { author: 'resident', text: 'Cảm ơn', at: at(6) });
      expect(await store.get(t.id, COMMUNE)).toMatchObject({
        unread: 1,
        assigneeId: 'lan',
        lastAt: at(6).toISOString(),
      });
      await store.assign(t.id, 'binh');
      expect((await store.get(t.id, COMMUNE))?.assigneeId).toBe('binh');

      const all = await store.messages(t.id, 0, 100);
      expect(all.map((m) => [m.author, m.text, m.delivery])).toEqual([
        ['resident', 'Cho tôi hỏi', 'none'],
        ['resident', 'về tạm trú', 'none'],
        ['staff', 'Chào bác', 'pending'],
        ['staff', 'Bổ sung', 'failed'],
        ['note', 'gọi lại sau', 'none'],
        ['resident', 'Cảm ơn', 'none'],
      ]);
      expect((await store.messages(t.id, m1.id, 2)).map((m) => m.text)).toEqual(['về tạm trú', 'Chào bác']);
      expect(await store.messages(t.id, all[all.length - 1]?.id ?? 0, 10)).toEqual([]);
    });

    it('scopes every read: a hamlet sees its own threads and messages only, the commune sees all', async () => {
      const { store } = await start();
      const one = await openFor(store, 'u1', 'xom-1', 0);
      const two = await openFor(store, 'u2', 'xom-2', 1);
      const queue = await openFor(store, 'u3', undefined, 2);
      const m1 = await store.append(one.id, { author: 'resident', text: 'xóm 1', at: at(3) });
      const m2 = await store.append(two.id, { author: 'resident', text: 'xóm 2', at: at(4) });
      const m3 = await store.append(queue.id, { author: 'resident', text: 'chung', at: at(5) });

      expect((await store.list(XOM_1, { limit: 10 })).map((t) => t.id)).toEqual([one.id]);
      expect((await store.list(XOM_2, { limit: 10 })).map((t) => t.id)).toEqual([two.id]);
      expect((await store.list(COMMUNE, { limit: 10 })).map((t) => t.id)).toEqual([queue.id, two.id, one.id]);
      expect(await store.get(two.id, XOM_1)).toBeUndefined();
      expect(await store.get(queue.id, XOM_1)).toBeUndefined();
      expect((await store.get(one.id, XOM_1))?.id).toBe(one.id);
      expect((await store.get(queue.id, COMMUNE))?.id).toBe(queue.id);
      expect(await store.get(queue.id + 1000, COMMUNE)).toBeUndefined();

      expect((await store.since(XOM_1, 0, 10)).map((m) => m.id)).toEqual([m1.id]);
      expect((await store.since(XOM_2, 0, 10)).map((m) => m.text)).toEqual(['xóm 2']);
      expect((await store.since(COMMUNE, 0, 10)).map((m) => m.id)).toEqual([m1.id, m2.id, m3.id]);
      expect((await store.since(COMMUNE, m1.id, 1)).map((m) => m.id)).toEqual([m2.id]);
      expect(await store.since(COMMUNE, m3.id, 10)).toEqual([]);
    });

    it('lists open threads first, newest activity first (ties: newest thread), with a status filter and a limit', async () => {
      const { store } = await start();
      const a = await openFor(store, 'a', 'xom-1', 0);
      const b = await openFor(store, 'b', 'xom-1', 1);
      const c = await openFor(store, 'c', 'xom-1', 2);
      const d = await openFor(store, 'd', 'xom-1', 2);
      await store.append(a.id, { author: 'resident', text: 'mới nhất', at: at(9) });
      await store.close(b.id, 'lan', at(10));

      const ids = async (status?: 'open' | 'closed', limit = 10) =>
        (await store.list(XOM_1, { ...(status && { status }), limit })).map((t) => t.id);
      // b was touched last, but it is closed: after every open thread.
      expect(await ids()).toEqual([a.id, d.id, c.id, b.id]);
      expect(await ids(undefined, 2)).toEqual([a.id, d.id]);
      expect(await ids('open')).toEqual([a.id, d.id, c.id]);
      expect(await ids('closed')).toEqual([b.id]);
      expect(await ids('open', 0)).toEqual([]);
      expect((await store.list(COMMUNE, { status: 'open', limit: 1 })).map((t) => t.id)).toEqual([a.id]);
    });

    it('gives the newest message id of the commune as the head of the live feed (0 before any)', async () => {
      const { store } = await start();
      expect(await store.headId()).toBe(0);
      const one = await openFor(store, 'u1', 'xom-1', 0);
      const two = await openFor(store, 'u2', 'xom-2', 0);
      expect(await store.headId()).toBe(0);
      await store.append(one.id, { author: 'resident', text: 'một', at: at(1) });
      const last = await store.append(two.id, { author: 'note', staffId: 'lan', text: 'hai', at: at(2) });
      expect(await store.headId()).toBe(last.id);
      expect(await store.since(COMMUNE, await store.headId(), 10)).toEqual([]);
    });

    it('forgets every thread and message of one resident, and nobody else’s', async () => {
      const { store, tables } = await start();
      const old = await openFor(store, 'gone', 'xom-1', 0);
      await store.append(old.id, { author: 'resident', text: 'cũ', at: at(1) });
      await store.close(old.id, 'lan', at(2));
      const now = await openFor(store, 'gone', 'xom-1', 3);
      await store.append(now.id, { author: 'resident', text: 'mới', at: at(4) });
      const kept = await openFor(store, 'stays', 'xom-1', 5);
      await store.append(kept.id, { author: 'resident', text: 'ở lại', at: at(6) });
      const sameIdElsewhere = await store.open({ channel: 'web', userId: 'gone', reason: 'asked', at: at(7) });

      await store.forget('zalo', 'gone');
      expect(await store.openThreadOf('zalo', 'gone')).toBeUndefined();
      expect(await store.get(old.id, COMMUNE)).toBeUndefined();
      expect(await store.messages(now.id, 0, 10)).toEqual([]);
      expect((await store.list(COMMUNE, { limit: 10 })).map((t) => t.id).sort((x, y) => x - y)).toEqual([
        kept.id,
        sameIdElsewhere.id,
      ]);
      expect((await tables.rows('handoff_messages')).map((r) => r['text'])).toEqual(['ở lại']);
      expect(
        (await tables.rows('handoff_threads')).map((r) => `${String(r['channel'])}:${String(r['user_id'])}`),
      ).toEqual(['zalo:stays', 'web:gone']);
    });

    it('copies the delivery of staff replies from their outbox rows; a row gone was delivered', async () => {
      const { store, tables, communeId } = await start();
      const t = await openFor(store, 'u1', 'xom-1', 0);
      for (const status of ['sent', 'held', 'failed', 'pending'] as const) {
        await tables.insert('outbox', {
          commune_id: communeId,
          channel: 'zalo',
          user_id: 'u1',
          payload_json: '{}',
          status,
          next_attempt_at: at(1).toISOString(),
          created_at: at(1).toISOString(),
        });
      }
      const ids = (await tables.rows('outbox')).map((r) => Number(r['id']));
      const [sent, held, failed, pending] = ids;
      const gone = Math.max(...ids) + 1000;
      const reply = (outboxId: number | undefined, minute: number) =>
        store.append(t.id, {
          author: 'staff',
          staffId: 'lan',
          text: `tin ${minute}`,
          ...(outboxId !== undefined && { outboxId }),
          at: at(minute),
        });
      await reply(sent, 2);
      await reply(held, 3);
      await reply(failed, 4);
      await reply(pending, 5);
      await reply(gone, 6);
      await reply(undefined, 7);
      await store.append(t.id, { author: 'note', staffId: 'lan', text: 'ghi chú', at: at(8) });

      await store.refreshDelivery(t.id);
      const deliveries = async () => (await store.messages(t.id, 0, 20)).map((m) => m.delivery);
      expect(await deliveries()).toEqual(['sent', 'held', 'failed', 'pending', 'sent', 'pending', 'none']);
      // Idempotent; and another thread's refresh touches nothing here.
      await store.refreshDelivery(t.id);
      await store.refreshDelivery(t.id + 1000);
      expect(await deliveries()).toEqual(['sent', 'held', 'failed', 'pending', 'sent', 'pending', 'none']);
    });

    it('stores a staff reply with the outbox row that carries it, and "Xong" with its line and notice', async () => {
      const { store, writer, route, tables } = await start();
      const t: HandoffThread = await openFor(store, 'u1', 'xom-1', 0);
      await store.append(t.id, { author: 'resident', text: 'Cho tôi hỏi', at: at(1) });
      const message = await writer.reply(t, route, [{ kind: 'notice', text: 'Cán bộ xã: Chào bác' }], {
        staffId: 'lan',
        text: 'Chào bác',
        at: at(2),
      });
      const rows = await tables.rows('outbox');
      expect(rows.map((r) => [r['channel'], r['user_id'], r['status'], payloadOf(r)])).toEqual([
        ['zalo', 'u1', 'pending', { text: 'Cán bộ xã: Chào bác' }],
      ]);
      if (message === 'closed') throw new Error('the thread is open');
      expect(message).toMatchObject({ author: 'staff', staffId: 'lan', text: 'Chào bác', delivery: 'pending' });
      expect(message.outboxId).toBe(Number(rows[0]?.['id']));
      expect(await store.get(t.id, COMMUNE)).toMatchObject({ unread: 0, assigneeId: 'lan' });

      expect(
        await writer.close(
          t,
          route,
          [
            { kind: 'notice', text: 'Đã xong' },
            { kind: 'notice', text: 'Tiếp tục bài?' },
          ],
          { staffId: 'lan', text: 'Đã xong', at: at(3) },
        ),
      ).toBe(true);
      expect(await store.get(t.id, COMMUNE)).toMatchObject({ status: 'closed', closedAt: at(3).toISOString() });
      expect((await store.messages(t.id, message.id, 10)).map((m) => [m.author, m.text])).toEqual([
        ['system', 'Đã xong'],
      ]);
      expect((await tables.rows('outbox')).map(payloadOf)).toEqual([
        { text: 'Cán bộ xã: Chào bác' },
        { text: 'Đã xong' },
        { text: 'Tiếp tục bài?' },
      ]);

      // A channel that does not run here: the close is stored, nothing is queued.
      const other = await openFor(store, 'u2', undefined, 4);
      await writer.close(other, undefined, [{ kind: 'notice', text: 'Đã xong' }], {
        staffId: 'lan',
        text: 'Đã xong',
        at: at(5),
      });
      expect((await store.get(other.id, COMMUNE))?.status).toBe('closed');
      expect(await tables.rows('outbox')).toHaveLength(3);
    });

    it('refuses a staff reply when "Xong" committed after the service read the thread: no message, no outbox row', async () => {
      const { store, writer, route, tables } = await start();
      const t = await openFor(store, 'u1', 'xom-1', 0);
      await store.append(t.id, { author: 'resident', text: 'Cho tôi hỏi', at: at(1) });
      // Another process closes the thread between the service's read and the writer's transaction.
      const racing = withGet(store, async (id, scope) => {
        const read = await store.get(id, scope);
        await store.close(id, 'hoa', at(2));
        return read;
      });
      const routes = new ReplyRoutes();
      routes.register('zalo', route);
      const service = createHandoffService({ store: racing, writer, routes, clock: { now: () => at(3) } });

      expect(await service.reply(t.id, COMMUNE, 'lan', 'Chào bác', { confirmed: true })).toEqual({
        ok: false,
        error: 'closed',
      });
      expect((await store.messages(t.id, 0, 10)).map((m) => m.author)).toEqual(['resident']);
      expect(await tables.rows('outbox')).toEqual([]);
      expect(await store.get(t.id, COMMUNE)).toMatchObject({ status: 'closed', unread: 1 });
      expect((await store.get(t.id, COMMUNE))?.assigneeId).toBeUndefined();
    });

    it('does a second "Xong" of a thread read while open nothing: one line, one notice to the resident', async () => {
      const { store, writer, route, tables } = await start();
      const t = await openFor(store, 'u1', 'xom-1', 0);
      const line = (minute: number) => ({ staffId: 'lan', text: 'Đã xong', at: at(minute) });
      expect(await writer.close(t, route, [{ kind: 'notice', text: 'Đã xong' }], line(1))).toBe(true);
      // `t` still says open, as a second staff member's page read before the first "Xong".
      expect(await writer.close(t, route, [{ kind: 'notice', text: 'Đã xong' }], line(2))).toBe(false);
      expect(await writer.reply(t, route, [{ kind: 'notice', text: 'Cán bộ xã: Chào bác' }], line(3))).toBe('closed');
      expect((await store.messages(t.id, 0, 10)).map((m) => [m.author, m.at])).toEqual([
        ['system', at(1).toISOString()],
      ]);
      expect((await tables.rows('outbox')).map(payloadOf)).toEqual([{ text: 'Đã xong' }]);
      expect(await store.get(t.id, COMMUNE)).toMatchObject({ status: 'closed', closedAt: at(1).toISOString() });

      // Through the service, a close that lost the race answers false and queues nothing more.
      const routes = new ReplyRoutes();
      routes.register('zalo', route);
      const service = createHandoffService({
        store: withGet(store, () => t),
        writer,
        routes,
        clock: { now: () => at(4) },
      });
      expect(await service.close(t.id, COMMUNE, 'hoa')).toBe(false);
      expect(await tables.rows('outbox')).toHaveLength(1);
    });
  });
}

/**
 * The store with its `get` replaced: what the service reads when another
 * process acts on the thread right after (or right before) the service read it.
 */
function withGet(store: HandoffStore, get: HandoffStore['get']): HandoffStore {
  return new Proxy(store, {
    get: (target, key, receiver): unknown => (key === 'get' ? get : Reflect.get(target, key, receiver)),
  });
}
