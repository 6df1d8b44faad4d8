/**
 * The Zalo channel on PostgreSQL (channels/zalo/pgChannel.ts) with Zalo's
 * API replaced by nock: a signed webhook event is answered once, the same
 * event reaching two processes (two pools, two runtimes) is answered once,
 * one resident's replies go out in the order of their turns whichever
 * process sends them, and a turn that fails commits neither the window nor
 * the handled mark. Two pools stand for two processes; both connect as the
 * app role, so row-level security applies as in an install.
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { Kysely, Transaction } from 'kysely';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPgZaloChannel, type PgZaloChannel } from '../../src/channels/zalo/pgChannel.js';
import type { PgTurns } from '../../src/channels/zalo/pgDelivery.js';
import type { ConversationStateRepo } from '../../src/core/ports.js';
import { mountRawRoute } from '../../src/http/rawRoute.js';
import { PgHandoffWriter } from '../../src/storage/pg/pgHandoffWriter.js';
import { PgTurnHandoff } from '../../src/storage/pg/pgTurnHandoff.js';
import { PgTurnRunner } from '../../src/storage/pg/pgTurnRunner.js';
import { PgTurnStateBuffer } from '../../src/storage/pg/pgTurnState.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { createSecretBox } from '../../src/storage/secretBox.js';
import { counting } from '../contracts/turnRunner.contract.js';
import { signed, textEvent, zaloTestConfig } from '../fixtures/zalo.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { recordSends, type SentMessage } from '../integration/zaloHarness.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const COMMUNE = 'xa-zalo';
const box = createSecretBox(randomBytes(32));

const noOtherConversation: ConversationStateRepo = {
  get: () => Promise.reject(new Error('no other conversation in these tests')),
  set: () => Promise.reject(new Error('no other conversation in these tests')),
  delete: () => Promise.reject(new Error('no other conversation in these tests')),
};

interface Process {
  readonly channel: PgZaloChannel;
  post(d: { body: string; headers: Record<string, string> }): Promise<Response>;
}

describe('the Zalo channel on PostgreSQL', () => {
  let t: TestDatabase;
  let one: Kysely<Database>;
  let two: Kysely<Database>;
  const clock = fixedClock();
  const running: PgZaloChannel[] = [];

  /** The runner a process's commune gives its channels (pgCommune.ts `turns`), over a counting engine. */
  function runnerOver(db: Kysely<Database>): PgTurnRunner {
    const state = new PgTurnStateBuffer(noOtherConversation);
    return new PgTurnRunner({
      db,
      communeId: COMMUNE,
      engine: counting(state),
      clock,
      state,
      handoff: { store: new PgTurnHandoff(COMMUNE) },
    });
  }

  /** One process's Zalo runtime over `db`, its webhook mounted on an in-process app; not started. */
  function processOver(db: Kysely<Database>, turns: PgTurns = runnerOver(db)): Process {
    const channel = createPgZaloChannel({
      config: zaloTestConfig(),
      turns,
      db,
      secrets: box,
      communeId: COMMUNE,
      logger: memoryLogger().logger,
      maxBodyBytes: 1_000_000,
      clock,
      timers: false,
      retry: { attempts: 3, delaysMs: [0] },
    });
    running.push(channel);
    const app = new Hono();
    for (const route of channel.webhooks ?? []) mountRawRoute(app, route, memoryLogger().logger);
    return {
      channel,
      post: async (d) => app.request('/webhooks/zalo', { method: 'POST', body: d.body, headers: d.headers }),
    };
  }

  const rows = <T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> => withCommune(one, COMMUNE, fn);

  async function eventRow(key: string): Promise<{ handled_at: string | null } | undefined> {
    return rows((trx) =>
      trx.selectFrom('zalo_events').select('handled_at').where('event_key', '=', key).executeTakeFirst(),
    );
  }

  async function windowOf(userId: string): Promise<string | null | undefined> {
    const r = await rows((trx) =>
      trx.selectFrom('zalo_residents').select('last_interaction_at').where('user_id', '=', userId).executeTakeFirst(),
    );
    return r?.last_interaction_at;
  }

  const textsTo = (sent: readonly SentMessage[], userId: string): string[] =>
    sent.filter((m) => m.userId === userId).map((m) => m.text);

  beforeAll(async () => {
    t = await createMigratedDatabase();
    one = connect<Database>(t.appUrl, 8);
    two = connect<Database>(t.appUrl, 8);
    await withCommune(one, COMMUNE, (trx) =>
      trx.insertInto('communes').values({ id: COMMUNE, name: 'Xã Zalo' }).execute(),
    );
    // The tokens every process reads: sealed once, opened by each (the same key).
    const seed = processOver(one);
    await seed.channel.store.saveRefreshed(
      { accessToken: 'access-0', refreshToken: 'refresh-0', expiresAt: new Date(clock.now().getTime() + 86_400_000) },
      clock.now(),
    );
  });
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop();
    nock.cleanAll();
  });
  afterAll(async () => {
    await one?.destroy();
    await two?.destroy();
    await t?.drop();
  });

  it('answers a signed webhook event once, with the window and the handled mark committed', async () => {
    const { sent } = recordSends();
    const p = processOver(one);
    await p.channel.start();
    const event = textEvent('u-1', 'chào', clock.now(), 'aa01');
    const res = await p.post(signed(event));
    expect(res.status).toBe(200);
    await p.channel.idle();
    expect(textsTo(sent, 'u-1')).toEqual(['#1 chào']);
    expect(sent[0]?.accessToken).toBe('access-0');
    expect((await eventRow('msg:aa01'))?.handled_at).toBe(clock.now().toISOString());
    expect(await windowOf('u-1')).toBe(clock.now().toISOString());
    expect(await p.channel.outbox.counts()).toMatchObject({ pending: 0, sent: 1 });
  });

  it('answers the same event once when it reaches two processes', async () => {
    const { sent } = recordSends();
    const [a, b] = [processOver(one), processOver(two)];
    await Promise.all([a.channel.start(), b.channel.start()]);
    const delivery = signed(textEvent('u-2', 'một lần', clock.now(), 'bb01'));
    const [ra, rb] = await Promise.all([a.post(delivery), b.post(delivery)]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    await Promise.all([a.channel.idle(), b.channel.idle()]);
    expect(textsTo(sent, 'u-2')).toEqual(['#1 một lần']);
  });

  it('answers once an event two processes both recover at start (the turn claims it)', async () => {
    const { sent } = recordSends();
    const [a, b] = [processOver(one), processOver(two)];
    // Recorded by a process that stopped before handling it.
    const event = { kind: 'text', userId: 'u-3', msgId: 'cc01', text: 'còn đó không' };
    expect(await a.channel.store.receive('msg:cc01', 'u-3', JSON.stringify(event), clock.now())).toBe(true);
    await Promise.all([a.channel.start(), b.channel.start()]);
    await Promise.all([a.channel.idle(), b.channel.idle()]);
    expect(textsTo(sent, 'u-3')).toEqual(['#1 còn đó không']);
    expect((await eventRow('msg:cc01'))?.handled_at).not.toBeNull();
  });

  it("sends one resident's replies in the order of their turns, whichever process sends them", async () => {
    // Each send takes a while, so one process's send is in flight while the other commits the next reply.
    const sent: string[] = [];
    let n = 0;
    nock('https://openapi.zalo.me')
      .persist()
      .post('/v3.0/oa/message/cs')
      .delay(30)
      .reply(200, (_uri, body) => {
        sent.push(String((body as { message: { text?: string } }).message.text));
        n += 1;
        return { error: 0, message: 'Success', data: { message_id: `o${n}`, user_id: 'u-4' } };
      });
    const [a, b] = [processOver(one), processOver(two)];
    await Promise.all([a.channel.start(), b.channel.start()]);
    const words = ['một', 'hai', 'ba', 'bốn', 'năm', 'sáu'];
    const posted = await Promise.all(
      words.map((w, i) => (i % 2 === 0 ? a : b).post(signed(textEvent('u-4', w, clock.now(), `dd0${i}`)))),
    );
    expect(posted.map((r) => r.status)).toEqual(words.map(() => 200));
    await Promise.all([a.channel.idle(), b.channel.idle()]);
    // A row left behind by a pass that found the previous one in flight goes on the retry round.
    await a.channel.tick();
    expect(sent).toHaveLength(words.length);
    // "#k": the turn's place in the resident's conversation; sends follow it.
    const order = sent.map((s) => Number(/^#(\d+)/.exec(s)?.[1]));
    expect(order).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(sent.map((s) => s.replace(/^#\d+ /, '')))).toEqual(new Set(words));
  });

  it('commits neither the window nor the handled mark when the turn fails; the next start answers it', async () => {
    const { sent } = recordSends();
    const runner = runnerOver(one);
    const broken: PgTurns = {
      run: (req) =>
        runner.run({
          ...req,
          render: () => {
            throw new Error('render failed after the channel wrote');
          },
        }),
    };
    const a = processOver(one, broken);
    await a.channel.start();
    expect((await a.post(signed(textEvent('u-5', 'lỗi', clock.now(), 'ee01')))).status).toBe(200);
    await a.channel.idle();
    expect(sent).toEqual([]);
    expect(await eventRow('msg:ee01')).toEqual({ handled_at: null });
    expect(await windowOf('u-5')).toBeUndefined();
    const claims = await rows((trx) =>
      trx.selectFrom('turn_claims').select('claim_key').where('claim_key', '=', 'zalo:msg:ee01').execute(),
    );
    expect(claims).toEqual([]);
    await a.channel.stop();

    const b = processOver(two);
    await b.channel.start();
    await b.channel.idle();
    expect(textsTo(sent, 'u-5')).toEqual(['#1 lỗi']);
    expect((await eventRow('msg:ee01'))?.handled_at).not.toBeNull();
    expect(await windowOf('u-5')).toBe(clock.now().toISOString());
  });

  it('takes over, on its retry round, an event another process left unhandled; not one just recorded', async () => {
    const { sent } = recordSends();
    const p = processOver(two);
    await p.channel.start();
    const old = new Date(clock.now().getTime() - 10 * 60_000);
    const left = { kind: 'text', userId: 'u-8', msgId: 'gg01', text: 'ai trả lời tôi' };
    const fresh = { kind: 'text', userId: 'u-9', msgId: 'gg02', text: 'đang được trả lời' };
    await p.channel.store.receive('msg:gg01', 'u-8', JSON.stringify(left), old);
    await p.channel.store.receive('msg:gg02', 'u-9', JSON.stringify(fresh), clock.now());
    await p.channel.tick();
    expect(textsTo(sent, 'u-8')).toEqual(['#1 ai trả lời tôi']);
    expect(textsTo(sent, 'u-9')).toEqual([]);
    expect((await eventRow('msg:gg02'))?.handled_at).toBeNull();
  });

  it('releases held replies in the turn of the resident writing again, and sends them first', async () => {
    const { sent } = recordSends();
    const p = processOver(one);
    await p.channel.start();
    await p.channel.outbox.enqueue('u-7', [{ text: 'Trả lời còn giữ lại.' }], clock.now());
    await p.channel.store.holdAll('u-7', 'outside free window', clock.now());
    expect(await p.channel.outbox.counts()).toMatchObject({ held: 1 });
    await p.post(signed(textEvent('u-7', 'tôi đây', clock.now(), 'ff01')));
    await p.channel.idle();
    expect(textsTo(sent, 'u-7')).toEqual(['Trả lời còn giữ lại.', '#1 tôi đây']);
  });

  it('carries a staff reply: PgHandoffWriter inserts the rows the route renders, its flush sends them', async () => {
    const { sent } = recordSends();
    const p = processOver(one);
    await p.channel.start();
    const route = p.channel.replyRoute;
    if (!route) throw new Error('the Zalo channel has no reply route');
    const thread = await withCommune(one, COMMUNE, (trx) =>
      new PgTurnHandoff(COMMUNE).open(trx, { channel: 'zalo', userId: 'u-6', reason: 'asked', at: clock.now() }),
    );
    const text = 'Cán bộ xã trả lời: đã nhận hồ sơ.';
    const line = { staffId: 'staff-1', text, at: clock.now() };
    const written = await new PgHandoffWriter(one, COMMUNE).reply(thread, route, [{ kind: 'answer', text }], line);
    expect(written).not.toBe('closed');
    await route.flush?.('u-6');
    expect(textsTo(sent, 'u-6')).toEqual([text]);
  });
});
