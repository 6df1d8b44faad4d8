/**
 * The Telegram channel of .env on PostgreSQL with several processes (issue
 * 20): two runtimes over two pools of one database stand for two processes
 * behind one bot, both talking to one fake Bot API (in process, or a server
 * on loopback for `runPgService`). A webhook update is answered once, also
 * when Telegram redelivers it to the other process; one resident's replies go
 * out in order and once while both processes send; held replies come back
 * (first) when the resident writes; a staff reply from the console's handoff
 * service reaches the resident through the PostgreSQL route, and the staff
 * group hears of the thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Update } from 'grammy/types';
import { loadChannelSettings } from '../../src/channelSettings.js';
import { loadTelegramConfig, type TelegramConfig } from '../../src/channels/telegram/config.js';
import { pgTelegramRuntime } from '../../src/channels/telegram/pgRuntime.js';
import type { TelegramRuntime } from '../../src/channels/telegram/runtime.js';
import type { TelegramPayload } from '../../src/channels/telegram/send.js';
import { WEBHOOK_PATH } from '../../src/channels/telegram/webhook.js';
import { WELCOME } from '../../src/core/conversation/texts.js';
import { mountRawRoute } from '../../src/http/rawRoute.js';
import { openPgCommune, type PgCommune } from '../../src/pgCommune.js';
import { runPgService } from '../../src/pgRun.js';
import { connectHandoff } from '../../src/run.js';
import { runJobOnce } from '../../src/storage/pg/jobLock.js';
import { PgOutboxStore } from '../../src/storage/pg/pgOutboxStore.js';
import { PgTelegramStore } from '../../src/storage/pg/pgTelegramStore.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { fixedClock, memoryLogger, testConfig } from '../helpers.js';
import {
  BOT_INFO,
  eventually,
  FakeBotApi,
  startFakeBotApiServer,
  TEST_TOKEN,
  textUpdate,
} from '../integration/telegramFixtures.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const SECRET = 'webhook_Secret-123';
const STAFF_CHAT = -1_009_876_543_210;

function telegramConfig(extra: Record<string, string> = {}): TelegramConfig {
  const config = loadTelegramConfig({
    TELEGRAM_BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_URL: 'https://xa-hungchau.example.vn',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    ...extra,
  });
  if (!config) throw new Error('config expected');
  return config;
}

/** One "process": its own pool, its commune opened on it, its Telegram runtime, and an app serving its webhook. */
interface Proc {
  readonly pg: Kysely<Database>;
  readonly commune: PgCommune;
  readonly runtime: TelegramRuntime;
  post(update: Update): Promise<Response>;
}

describe('Telegram on PostgreSQL, two processes', () => {
  let t: TestDatabase;
  const api = new FakeBotApi();
  const clock = fixedClock();
  const procs: Proc[] = [];
  let a: Proc;
  let b: Proc;

  async function openProc(): Promise<Proc> {
    const pg = connect<Database>(t.appUrl, 8);
    const config = testConfig();
    const logger = memoryLogger().logger;
    const commune = await openPgCommune(config, logger, pg, config.COMMUNE_ID, { clock });
    const runtime = pgTelegramRuntime(
      telegramConfig({ TELEGRAM_STAFF_CHAT_ID: String(STAFF_CHAT) }),
      pg,
      commune,
      logger,
      {
        clock,
        bot: { botInfo: BOT_INFO, transport: api.transport, retry: { maxRetryAttempts: 1, maxDelaySeconds: 2 } },
      },
    );
    connectHandoff(commune, [runtime]);
    const app = new Hono();
    for (const route of runtime.webhooks ?? []) mountRawRoute(app, route, logger);
    const post = (update: Update) =>
      Promise.resolve(
        app.request(WEBHOOK_PATH, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
          body: JSON.stringify(update),
        }),
      );
    const proc = { pg, commune, runtime, post };
    procs.push(proc);
    return proc;
  }

  beforeAll(async () => {
    t = await createMigratedDatabase();
    a = await openProc();
    b = await openProc();
  }, 180_000);

  afterAll(async () => {
    for (const p of procs) await p.pg.destroy();
    await t?.drop();
  });

  const claims = (pg: Kysely<Database>, key: string) =>
    withCommune(pg, testConfig().COMMUNE_ID, (trx) =>
      trx.selectFrom('turn_claims').select('claim_key').where('claim_key', '=', key).execute(),
    );

  it('answers a webhook update once, with the reply sent before the webhook is acknowledged', async () => {
    const update = textUpdate(8_400_001, '/start');
    const res = await a.post(update);
    expect(res.status).toBe(200);
    expect(api.texts(8_400_001)).toEqual([WELCOME]);
    // Telegram retries the same delivery: claimed already, nothing more is sent.
    expect((await a.post(update)).status).toBe(200);
    expect(api.texts(8_400_001)).toEqual([WELCOME]);
    expect(await claims(a.pg, `telegram:${update.update_id}`)).toHaveLength(1);
  });

  it('answers once when the same update reaches both processes at the same time', async () => {
    for (let i = 0; i < 5; i++) {
      const user = 8_400_100 + i;
      const update = textUpdate(user, '/start');
      const [ra, rb] = await Promise.all([a.post(update), b.post(update)]);
      expect([ra.status, rb.status]).toEqual([200, 200]);
      expect(api.texts(user)).toEqual([WELCOME]);
      expect(await claims(b.pg, `telegram:${update.update_id}`)).toHaveLength(1);
    }
  });

  it("sends one resident's replies in order and once while both processes send", async () => {
    const user = '8400200';
    const outbox = new PgOutboxStore<TelegramPayload>(a.pg, testConfig().COMMUNE_ID, 'telegram');
    const texts = Array.from({ length: 8 }, (_, i) => `Tin nhắn số ${i + 1}`);
    // Several turns' worth of rows, queued one after another.
    for (const text of texts)
      await outbox.enqueue(user, [{ op: 'reply', chatId: Number(user), reply: { kind: 'notice', text } }], clock.now());
    await Promise.all([a.runtime.flushDue(), b.runtime.flushDue(), a.runtime.flushDue(), b.runtime.flushDue()]);
    expect(api.texts(Number(user))).toEqual(texts);
    expect((await outbox.counts()).pending).toBe(0);
  });

  it('holds replies when the bot is blocked and sends them first when the resident writes again', async () => {
    const user = 8_400_300;
    const outbox = new PgOutboxStore<TelegramPayload>(a.pg, testConfig().COMMUNE_ID, 'telegram');
    api.refuseNext('sendMessage', 403, 'Forbidden: bot was blocked by the user');
    await outbox.enqueue(
      String(user),
      [{ op: 'reply', chatId: user, reply: { kind: 'notice', text: 'Tin nhắn chờ' } }],
      clock.now(),
    );
    await a.runtime.flushDue();
    expect(api.texts(user)).toEqual(['Tin nhắn chờ']); // the refused try
    expect((await outbox.counts()).held).toBe(1);
    const store = new PgTelegramStore(a.pg, testConfig().COMMUNE_ID);
    expect(await store.isInactive(user)).toBe(true);
    // They write again, to the other process: the held reply goes out, then the answer.
    await b.post(textUpdate(user, '/start'));
    expect(api.texts(user)).toEqual(['Tin nhắn chờ', 'Tin nhắn chờ', WELCOME]);
    expect((await outbox.counts()).held).toBe(0);
    // The chat's inactive mark went in the turn's commit.
    expect(await store.isInactive(user)).toBe(false);
  });

  it("carries a staff reply from the console's handoff service to the resident, and tells the staff group", async () => {
    const user = 8_400_400;
    await b.post(textUpdate(user, '/nguoi'));
    const thread = await a.commune.handoff.store.openThreadOf('telegram', String(user));
    if (!thread) throw new Error('no thread opened');
    // The notice was written in the turn's commit and sent with the turn's replies.
    expect(api.texts(STAFF_CHAT)).toHaveLength(1);
    expect(api.texts(STAFF_CHAT)[0]).toMatch(/^Có câu hỏi mới cần cán bộ trả lời .*kênh Telegram/);

    const seen = api.texts(user).length;
    const reply = await a.commune.handoff.actions.reply(
      thread.id,
      { kind: 'commune' },
      'staff-1',
      'Bà con vào dichvucong.gov.vn, chọn Liên thông khai sinh nhé.',
      { confirmed: false },
    );
    expect(reply.ok).toBe(true);
    const staffText = '👤 Cán bộ xã trả lời:\nBà con vào dichvucong.gov.vn, chọn Liên thông khai sinh nhé.';
    await eventually(() => api.texts(user).includes(staffText));
    expect(api.texts(user).slice(seen)).toEqual([staffText]);
    await eventually(() => api.texts(user).filter((x) => x === staffText).length === 1);
  });

  it('prunes once across processes: a process finding the prune running elsewhere skips it', async () => {
    const id = testConfig().COMMUNE_ID;
    const [storeA, storeB] = [new PgTelegramStore(a.pg, id), new PgTelegramStore(b.pg, id)];
    const old = new Date(clock.now().getTime() - 40 * 24 * 3_600_000);
    await storeA.putCallbackValue('old-value', 'quiz:answer:1', old);
    const cutoff = new Date(clock.now().getTime() - 30 * 24 * 3_600_000);
    // Process A is pruning right now (it holds the job's lock): B skips, and deletes nothing.
    const skipped = await runJobOnce(a.pg, id, 'telegram-prune', () => storeB.prune(cutoff, cutoff));
    expect(skipped).toEqual({ ran: true, result: 0 });
    expect(await storeB.callbackValue('old-value')).toBe('quiz:answer:1');
    expect(await storeB.prune(cutoff, cutoff)).toBeGreaterThanOrEqual(1);
    expect(await storeA.callbackValue('old-value')).toBeUndefined();
  });
});

describe('runPgService with TELEGRAM_BOT_TOKEN', () => {
  it('starts the Telegram channel on PostgreSQL in two processes; an update given to both is answered once', async () => {
    const t = await createMigratedDatabase();
    const server = await startFakeBotApiServer();
    const settings = loadChannelSettings({
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'https://xa-hungchau.example.vn',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: server.url,
    });
    const running = [];
    try {
      for (let i = 0; i < 2; i++)
        running.push(await runPgService(testConfig(), memoryLogger().logger, settings, t.appUrl));
      // Each process registered the webhook at start.
      expect(server.api.methods().filter((m) => m === 'setWebhook')).toHaveLength(2);
      const update = textUpdate(8_400_500, '/start');
      const replies = await Promise.all(
        running.map((r) =>
          fetch(`http://127.0.0.1:${r.port}${WEBHOOK_PATH}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
            body: JSON.stringify(update),
          }),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual([200, 200]);
      expect(server.api.texts(8_400_500)).toEqual([WELCOME]);
    } finally {
      for (const r of running) await r.stop();
      await server.close();
      await t.drop();
    }
  }, 180_000);
});
