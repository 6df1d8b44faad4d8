/**
 * The claiming outbox on PostgreSQL (storage/pg/pgOutboxStore.ts) and the
 * dispatcher that sends from it in several processes
 * (channels/sharedDispatcher.ts): two pools stand for two processes, both as
 * the app role. Each row is sent once, a resident's rows in order, a dead
 * process's claim passes to another when its lease ends, and a commune sees
 * only its own rows.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedDispatcher } from '../../src/channels/sharedDispatcher.js';
import type { Sender } from '../../src/channels/outbox.js';
import type { Clock } from '../../src/core/ports.js';
import { PgOutboxStore } from '../../src/storage/pg/pgOutboxStore.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const A = 'xa-a';
const B = 'xa-b';
const T0 = '2026-12-01T08:00:00.000Z';
const at = (seconds: number): Date => new Date(new Date(T0).getTime() + seconds * 1000);

interface Payload {
  readonly user: string;
  readonly n: number;
}

/** A clock that moves on a millisecond at each reading, as real ones do. */
function ticking(): Clock {
  let ms = new Date(T0).getTime();
  return { now: () => new Date(ms++) };
}

describe('the claiming outbox on PostgreSQL', () => {
  let t: TestDatabase;
  let one: Kysely<Database>;
  let two: Kysely<Database>;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    one = connect<Database>(t.appUrl, 4);
    two = connect<Database>(t.appUrl, 4);
    for (const commune of [A, B]) {
      await withCommune(one, commune, (trx) =>
        trx
          .insertInto('communes')
          .values({ id: commune, name: `Xã ${commune}` })
          .execute(),
      );
    }
  });
  afterAll(async () => {
    await one?.destroy();
    await two?.destroy();
    await t?.drop();
  });

  it('two dispatchers send 200 rows each exactly once, every resident in order', async () => {
    const store = new PgOutboxStore<Payload>(one, A, 'telegram');
    const users = Array.from({ length: 20 }, (_, u) => `p${u}`);
    // Queued interleaved, as turns of many residents commit.
    for (let n = 0; n < 10; n++) {
      for (const user of users) await store.enqueue(user, [{ user, n }], new Date(T0));
    }
    const sent: { by: number; user: string; n: number }[] = [];
    const senderFor = (by: number): Sender<Payload> => ({
      async send(_userId, payload) {
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 3)));
        sent.push({ by, user: payload.user, n: payload.n });
        return { messageId: `${payload.user}-${payload.n}` };
      },
      classify: () => ({ action: 'fail', reason: 'unexpected' }),
    });
    const clock = ticking();
    const dispatchers = [one, two].map(
      (db, by) =>
        new SharedDispatcher<Payload>({
          store: new PgOutboxStore<Payload>(db, A, 'telegram'),
          sender: senderFor(by),
          clock,
          logger: memoryLogger().logger,
          batch: 7,
          leaseMs: 60_000,
        }),
    );
    const started = performance.now();
    // Each runs until nothing is left to send (a pass may find nothing while the other holds every resident's head).
    await Promise.all(
      dispatchers.map(async (d) => {
        while ((await store.counts()).pending > 0) {
          if ((await d.pass()) === 0) await new Promise((r) => setTimeout(r, 2));
        }
      }),
    );
    const ms = performance.now() - started;
    console.info(
      `200 rows, 2 dispatchers: ${ms.toFixed(0)} ms (${((200 * 1000) / ms).toFixed(0)} rows/s);` +
        ` sent by each: ${[0, 1].map((by) => sent.filter((s) => s.by === by).length).join(' / ')}`,
    );
    expect(sent).toHaveLength(200);
    expect(new Set(sent.map((s) => `${s.user}-${s.n}`)).size).toBe(200);
    for (const user of users) {
      expect(sent.filter((s) => s.user === user).map((s) => s.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(await store.counts()).toEqual({ pending: 0, held: 0, failed: 0, sent: 200 });
  });

  it("gives a claim whose lease ended to another process, and keeps the resident's next row back until then", async () => {
    const mine = new PgOutboxStore<Payload>(one, A, 'zalo');
    const theirs = new PgOutboxStore<Payload>(two, A, 'zalo');
    await mine.enqueue(
      'lease',
      [
        { user: 'lease', n: 0 },
        { user: 'lease', n: 1 },
      ],
      new Date(T0),
    );

    const [dead] = await mine.claim(at(1), 10, 30_000);
    expect(dead?.payload).toEqual({ user: 'lease', n: 0 });
    expect(dead?.sendingAt).toBeUndefined();
    // The lease runs: nobody gets the row, nor the one after it.
    expect(await theirs.claim(at(20), 10, 30_000)).toEqual([]);

    const [taken] = await theirs.claim(at(32), 10, 30_000);
    expect(taken).toMatchObject({ id: dead?.id, payload: { user: 'lease', n: 0 }, sendingAt: at(1), attempts: 1 });
    // The first process wakes up: its outcome is not recorded over the new claim's.
    expect(await mine.markSent(dead!, at(33), 'late')).toBe(false);
    expect(await theirs.markSent(taken!, at(33), 'm-0')).toBe(true);

    const [next] = await theirs.claim(at(34), 10, 30_000);
    expect(next?.payload).toEqual({ user: 'lease', n: 1 });
    expect(next?.sendingAt).toBeUndefined();
    expect(await theirs.markSent(next!, at(35), 'm-1')).toBe(true);
    expect(await mine.counts()).toEqual({ pending: 0, held: 0, failed: 0, sent: 2 });
  });

  it('keeps later rows back while the first waits for its retry; held rows go back to pending when the resident writes', async () => {
    const store = new PgOutboxStore<Payload>(one, A, 'web');
    await store.enqueue(
      'retry',
      [
        { user: 'retry', n: 0 },
        { user: 'retry', n: 1 },
      ],
      new Date(T0),
    );
    const [first] = await store.claim(at(1), 10, 30_000);
    expect(await store.markRetry(first!, 1, at(60), 'rate limited')).toBe(true);
    expect(await store.claim(at(2), 10, 30_000)).toEqual([]);
    const [again] = await store.claim(at(61), 10, 30_000);
    expect(again).toMatchObject({ id: first?.id, attempts: 1 });
    expect(again?.sendingAt).toBeUndefined();

    await store.holdAll('retry', 'blocked', at(62));
    expect(await store.markSent(again!, at(62), 'x')).toBe(false);
    expect(await store.claim(at(63), 10, 30_000)).toEqual([]);
    expect(await store.release('retry', at(64))).toBe(2);
    expect((await store.claim(at(65), 10, 30_000)).map((i) => i.payload.n)).toEqual([0]);
  });

  it('marks the rows of a pass sent in one statement, each only while its claim is its own', async () => {
    const store = new PgOutboxStore<Payload>(one, A, 'batch');
    for (const user of ['b1', 'b2', 'b3'])
      await store.enqueue(
        user,
        [
          { user, n: 0 },
          { user, n: 1 },
        ],
        new Date(T0),
      );
    await store.enqueue('b4', [{ user: 'b4', n: 0 }], new Date(T0));
    const claimed = await store.claim(at(1), 10, 30_000);
    // Each resident's head, and whether a later row of theirs waits behind it.
    expect(claimed.map((i) => [i.userId, i.payload.n, i.followed])).toEqual([
      ['b1', 0, true],
      ['b2', 0, true],
      ['b3', 0, true],
      ['b4', 0, false],
    ]);
    const [b1, b2, b3, b4] = claimed;
    // b3's claim is no longer its own (its lease was taken over): of the marks asked together, only its fails.
    const stale = { ...b3!, lease: at(0).toISOString() };
    const marks = await Promise.all([
      store.markSent(b1!, at(2), 'm1'),
      store.markSent(b2!, at(2), undefined),
      store.markSent(stale, at(2), 'm3'),
      store.markSent(b4!, at(2), 'm4'),
    ]);
    expect(marks).toEqual([true, true, false, true]);
    const rows = await withCommune(one, A, (trx) =>
      trx
        .selectFrom('outbox')
        .select(['user_id', 'status', 'platform_message_id', 'sent_at', 'payload_json'])
        .where('channel', '=', 'batch')
        .where('id', 'in', [b1!.id, b2!.id, b3!.id, b4!.id])
        .orderBy('id')
        .execute(),
    );
    expect(rows).toEqual([
      { user_id: 'b1', status: 'sent', platform_message_id: 'm1', sent_at: at(2).toISOString(), payload_json: null },
      { user_id: 'b2', status: 'sent', platform_message_id: null, sent_at: at(2).toISOString(), payload_json: null },
      { user_id: 'b3', status: 'pending', platform_message_id: null, sent_at: null, payload_json: expect.any(String) },
      { user_id: 'b4', status: 'sent', platform_message_id: 'm4', sent_at: at(2).toISOString(), payload_json: null },
    ]);
  });

  it('drains without a last pass that claims nothing: a step says whether a later row waits', async () => {
    const store = new PgOutboxStore<Payload>(one, B, 'steps');
    await store.enqueue(
      's',
      [
        { user: 's', n: 0 },
        { user: 's', n: 1 },
      ],
      new Date(T0),
    );
    const sent: number[] = [];
    const d = new SharedDispatcher<Payload>({
      store,
      sender: {
        send: (_u, p) => {
          sent.push(p.n);
          return Promise.resolve({ messageId: 'ok' });
        },
        classify: () => ({ action: 'fail', reason: 'unexpected' }),
      },
      clock: ticking(),
      logger: memoryLogger().logger,
    });
    expect(await d.step()).toBe(1);
    expect(await d.step()).toBe(0);
    expect(sent).toEqual([0, 1]);
    expect(await store.counts()).toMatchObject({ pending: 0, sent: 2 });
  });

  it("shows commune A's store nothing of commune B's outbox", async () => {
    const a = new PgOutboxStore<Payload>(two, A, 'zalo');
    const b = new PgOutboxStore<Payload>(one, B, 'zalo');
    const [bId] = await b.enqueue('theirs', [{ user: 'theirs', n: 0 }], new Date(T0));
    const before = await a.counts();
    expect(await a.claim(at(100), 50, 30_000)).toEqual([]);
    // A forged claim of B's row changes nothing.
    const forged = {
      id: bId!,
      userId: 'theirs',
      payload: { user: 'theirs', n: 0 },
      attempts: 0,
      nextAttemptAt: at(100),
      lease: at(100).toISOString(),
      leaseUntil: at(130),
    };
    expect(await a.markSent(forged, at(101), 'x')).toBe(false);
    await a.holdAll('theirs', 'x', at(101));
    expect(await a.counts()).toEqual(before);
    const rows = await withCommune(two, A, (trx) =>
      trx.selectFrom('outbox').select('id').where('id', '=', bId!).execute(),
    );
    expect(rows).toEqual([]);
    const [claimed] = await b.claim(at(100), 50, 30_000);
    expect(claimed).toMatchObject({ id: bId, userId: 'theirs' });
    expect(await b.counts()).toEqual({ pending: 1, held: 0, failed: 0, sent: 0 });
  });

  it("sends a dead process's claim again once its lease ends, saying the resident may see it twice", async () => {
    const dead = new PgOutboxStore<Payload>(one, B, 'zalo');
    const [id] = await dead.enqueue('z', [{ user: 'z', n: 0 }], new Date(T0));
    await dead.claim(at(1), 10, 30_000);
    const clock = fixedClock(at(10).toISOString());
    const { logger, lines } = memoryLogger();
    const sent: number[] = [];
    const d = new SharedDispatcher<Payload>({
      store: new PgOutboxStore<Payload>(two, B, 'zalo'),
      sender: {
        send: (_u, p) => {
          sent.push(p.n);
          return Promise.resolve({ messageId: 'ok' });
        },
        classify: () => ({ action: 'fail', reason: 'unexpected' }),
      },
      clock,
      logger,
      leaseMs: 30_000,
    });
    expect(await d.pass()).toBe(0);
    clock.set(at(40).toISOString());
    expect(await d.pass()).toBe(1);
    expect(sent).toEqual([0]);
    expect(lines.some((l) => l.includes('may see it twice'))).toBe(true);
    const row = await withCommune(one, B, (trx) =>
      trx.selectFrom('outbox').select(['status', 'sending_at']).where('id', '=', id!).executeTakeFirst(),
    );
    expect(row).toEqual({ status: 'sent', sending_at: null });
  });

  it("holds a resident's replies when the sender's gate says no, and retries a refused send later", async () => {
    const store = new PgOutboxStore<Payload>(two, B, 'web');
    await store.enqueue(
      'closed',
      [
        { user: 'closed', n: 0 },
        { user: 'closed', n: 1 },
      ],
      new Date(T0),
    );
    await store.enqueue('busy', [{ user: 'busy', n: 0 }], new Date(T0));
    const clock = fixedClock(at(1).toISOString());
    const d = new SharedDispatcher<Payload>({
      store,
      sender: {
        send: () => Promise.reject(new Error('429')),
        classify: () => ({ action: 'retry', reason: 'rate limited', afterMs: 5_000 }),
        gate: (userId) => (userId === 'closed' ? { send: false, reason: 'window closed' } : { send: true }),
      },
      clock,
      logger: memoryLogger().logger,
    });
    expect(await d.pass()).toBe(2);
    expect(await store.counts()).toMatchObject({ pending: 1, held: 2 });
    // Not due before the platform's wait is over.
    clock.set(at(5).toISOString());
    expect(await store.claim(at(5), 10, 30_000)).toEqual([]);
    const [again] = await store.claim(at(7), 10, 30_000);
    expect(again).toMatchObject({ userId: 'busy', attempts: 1 });
  });

  it('gives up a reply whose every try ended with its process, without sending it again', async () => {
    const store = new PgOutboxStore<Payload>(one, A, 'poison');
    const [id] = await store.enqueue('poison', [{ user: 'poison', n: 0 }], new Date(T0));
    await store.claim(at(1), 10, 10_000);
    await store.claim(at(20), 10, 10_000);
    const sent: number[] = [];
    const d = new SharedDispatcher<Payload>({
      store,
      sender: {
        send: (_u, p) => {
          sent.push(p.n);
          return Promise.resolve({});
        },
        classify: () => ({ action: 'fail', reason: 'unexpected' }),
      },
      clock: fixedClock(at(40).toISOString()),
      logger: memoryLogger().logger,
      backoff: { baseMs: 1_000, maxMs: 10_000, maxAttempts: 2 },
      leaseMs: 10_000,
    });
    expect(await d.pass()).toBe(1);
    expect(sent).toEqual([]);
    const row = await withCommune(one, A, (trx) =>
      trx.selectFrom('outbox').select(['status', 'attempts']).where('id', '=', id!).executeTakeFirst(),
    );
    expect(row).toEqual({ status: 'failed', attempts: 2 });
  });

  it('records a failed send through the sender: retried later, or given up so the next reply goes on', async () => {
    const store = new PgOutboxStore<Payload>(one, B, 'telegram');
    await store.enqueue(
      'f',
      [
        { user: 'f', n: 0 },
        { user: 'f', n: 1 },
      ],
      new Date(T0),
    );
    const clock = fixedClock(at(1).toISOString());
    const tried: number[] = [];
    const d = new SharedDispatcher<Payload>({
      store,
      sender: {
        send: (_u, p) => {
          tried.push(p.n);
          return p.n === 0 ? Promise.reject(new Error('bad request')) : Promise.resolve({ messageId: 'ok' });
        },
        classify: () => ({ action: 'fail', reason: 'bad request' }),
      },
      clock,
      logger: memoryLogger().logger,
    });
    while ((await d.pass()) > 0);
    expect(tried).toEqual([0, 1]);
    expect(await store.counts()).toEqual({ pending: 0, held: 0, failed: 1, sent: 1 });
  });
});
