/**
 * Channels as rows over HTTP (issue 20 item 3): `/webhooks/telegram/:key`
 * and `/webhooks/zalo/:key` through the service's own Hono app. A delivery
 * with the row's own secret is handled in the row's commune and its reply goes
 * to api.telegram.org with THAT row's token (nock matches the token path; any
 * other request fails, the network being closed); a wrong secret is 401 with
 * nothing recorded; an unknown or disabled key is 404; two rows of two
 * communes never cross; the database file holds no plaintext token. This is
 * the SQLite composition (keyed/index.ts, a SQLite file per commune here); its
 * PostgreSQL twin (pgKeyed.ts) is test/pg/keyedChannels.test.ts and
 * keyedChannelsStart.test.ts (vitest.pg.config.ts SQLITE_TWIN).
 */
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Hono } from 'hono';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKeyedChannels, keyedChannels, type KeyedChannels } from '../../src/channels/keyed/index.js';
import { loadTelegramConfig } from '../../src/channels/telegram/config.js';
import { loadWebAssets } from '../../src/channels/web/assets.js';
import { createWebChat } from '../../src/channels/web/chatApi.js';
import { webTurns } from '../../src/channels/web/compose.js';
import { WELCOME } from '../../src/core/conversation/texts.js';
import { createApp } from '../../src/http/app.js';
import { connectHandoff } from '../../src/run.js';
import type { Services } from '../../src/services.js';
import { createSecretBox } from '../../src/storage/secretBox.js';
import { SqliteChannelRepo } from '../../src/storage/sqlite/channelRepo.js';
import { ensureCommune } from '../../src/storage/sqlite/db.js';
import { signed, textEvent } from '../fixtures/zalo.js';
import {
  recordSendMessage,
  recordSetWebhooks,
  SECRET_A,
  SECRET_B,
  sendMessagePath,
  TOKEN_A,
  TOKEN_B,
  type Sent,
} from '../fixtures/channelRows.js';
import { fixedClock, memoryLogger, readyServices, tempDir } from '../helpers.js';
import { BOT_INFO, textUpdate } from './telegramFixtures.js';

const ZALO_APP = '998877665544';
const ZALO_OA_SECRET = 'OaSecretOfXaB-never-on-disk';
const USER_A = 7_001;
const USER_B = 7_002;
const NOW = new Date('2026-12-01T08:00:00.000Z');

describe('channel rows: keyed webhooks', () => {
  let tmp: { dir: string; cleanup: () => void };
  let a: Services;
  let b: Services;
  let repo: SqliteChannelRepo;
  let keyed: KeyedChannels;
  let app: Hono;
  const keys = { a: '', b: '', zalo: '' };
  const sent: Sent[] = [];
  const clock = fixedClock(NOW.toISOString());
  const log = memoryLogger();

  beforeAll(async () => {
    tmp = tempDir('hocvuso-channel-rows-');
    // Two communes, each with its own services (what issue 20 makes per commune). Each has its own file
    // here: two connections to one file in one thread would wait on each other's group commit.
    a = await readyServices({ DATABASE_PATH: join(tmp.dir, 'a.db'), COMMUNE_ID: 'hung-chau' }, clock);
    b = await readyServices({ DATABASE_PATH: join(tmp.dir, 'b.db'), COMMUNE_ID: 'xa-b' }, clock);
    ensureCommune(a.db, 'xa-b');
    repo = new SqliteChannelRepo(a.db, () => a.secrets());
    const add = (commune: string, secrets: Parameters<SqliteChannelRepo['add']>[1]): string => {
      const r = repo.add(commune, secrets, NOW);
      if (!r.ok) throw new Error(r.reason);
      return r.row.publicKey;
    };
    keys.a = add('hung-chau', { kind: 'telegram', botToken: TOKEN_A, webhookSecret: SECRET_A });
    keys.b = add('xa-b', { kind: 'telegram', botToken: TOKEN_B, webhookSecret: SECRET_B });
    keys.zalo = add('xa-b', { kind: 'zalo', appId: ZALO_APP, oaSecretKey: ZALO_OA_SECRET, appSecret: 'app-secret' });
    const services = new Map([
      ['hung-chau', a],
      ['xa-b', b],
    ]);
    const common = {
      keyring: repo,
      communes: (id: string) => services.get(id),
      reserved: () => false,
      logger: log.logger,
      clock,
    };
    keyed = createKeyedChannels({
      telegram: { ...common, throttle: false, bot: { botInfo: BOT_INFO, retry: { maxRetryAttempts: 0 } } },
      zalo: { ...common, maxBodyBytes: 64_000, timers: false },
    });
    app = createApp({
      webhooks: keyed.webhooks ?? [],
      chat: createWebChat(webTurns(a)),
      healthy: () => true,
      assets: loadWebAssets(),
      logger: memoryLogger().logger,
      maxBodyBytes: 64_000,
    });
  }, 60_000);

  afterAll(async () => {
    await keyed?.stop();
    a?.close();
    b?.close();
    tmp?.cleanup();
  });

  afterEach(() => {
    nock.cleanAll();
    sent.length = 0;
  });

  /** Telegram's Bot API for one token only: any call with another token has no interceptor and fails. */
  function telegramApi(token: string): nock.Scope {
    return nock('https://api.telegram.org')
      .persist()
      .post(sendMessagePath(token))
      .reply(200, recordSendMessage(token, sent));
  }

  const postTelegram = (key: string, body: unknown, secret?: string) =>
    app.request(`/webhooks/telegram/${key}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}),
      },
      body: JSON.stringify(body),
    });

  /** The communes in which an update was claimed, over both files. */
  const claimOf = (updateId: number): string[] =>
    [a, b].flatMap((s) =>
      (
        s.db.prepare('SELECT commune_id FROM turn_claims WHERE claim_key = ?').all(`telegram:${updateId}`) as {
          commune_id: string;
        }[]
      ).map((r) => r.commune_id),
    );

  it("handles a delivery with the row's secret in the row's commune, replying with the row's token", async () => {
    telegramApi(TOKEN_A);
    const update = textUpdate(USER_A, '/start');
    const res = await postTelegram(keys.a, update, SECRET_A);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((s) => s.token === TOKEN_A && s.chatId === USER_A)).toBe(true);
    expect(sent.map((s) => s.text)).toContain(WELCOME);
    expect(claimOf(update.update_id)).toEqual(['hung-chau']);
  });

  it('keeps two rows of two communes apart: each bot answers its own residents, in its own commune', async () => {
    telegramApi(TOKEN_A);
    telegramApi(TOKEN_B);
    const toB = textUpdate(USER_B, '/start');
    // Row A's secret does not open row B's webhook.
    expect((await postTelegram(keys.b, toB, SECRET_A)).status).toBe(401);
    expect(sent).toEqual([]);
    expect((await postTelegram(keys.b, toB, SECRET_B)).status).toBe(200);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((s) => s.token === TOKEN_B && s.chatId === USER_B)).toBe(true);
    expect(claimOf(toB.update_id)).toEqual(['xa-b']);
    const state = b.db
      .prepare(`SELECT DISTINCT commune_id FROM conversation_state WHERE channel = 'telegram' AND user_id = ?`)
      .all(String(USER_B)) as { commune_id: string }[];
    expect(state.map((r) => r.commune_id)).toEqual(['xa-b']);
    expect(a.db.prepare('SELECT 1 FROM conversation_state WHERE user_id = ?').get(String(USER_B))).toBeUndefined();
    const outbox = b.db
      .prepare(`SELECT DISTINCT commune_id FROM outbox WHERE channel = 'telegram' AND user_id = ?`)
      .all(String(USER_B)) as { commune_id: string }[];
    expect(outbox.map((r) => r.commune_id)).toEqual(['xa-b']);
  });

  it('refuses a missing or wrong secret with 401 and records nothing', async () => {
    const update = textUpdate(USER_A, '/start');
    for (const secret of [undefined, '', 'wrong', `${SECRET_A}x`, SECRET_A.slice(0, -1), SECRET_B]) {
      expect((await postTelegram(keys.a, update, secret)).status).toBe(401);
    }
    expect(sent).toEqual([]);
    expect(claimOf(update.update_id)).toEqual([]);
  });

  it('answers 404 with no hint for an unknown key, another kind of row, or the bare old path', async () => {
    const update = textUpdate(USER_A, '/start');
    for (const key of ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', keys.zalo, 'not a key', keys.a.slice(0, -1)]) {
      const res = await postTelegram(encodeURIComponent(key), update, SECRET_A);
      expect(res.status).toBe(404);
      expect(JSON.stringify(await res.json())).not.toMatch(/secret|commune|telegram|zalo/i);
    }
    expect(claimOf(update.update_id)).toEqual([]);
  });

  it("records a Zalo delivery signed with the row's OA secret in the row's commune; another key's signature is 401", async () => {
    const event = { ...textEvent('4455667788', 'xin chào', clock.now()), app_id: ZALO_APP };
    const deliver = (key: string, d: { body: string; headers: Record<string, string> }) =>
      app.request(`/webhooks/zalo/${key}`, { method: 'POST', headers: d.headers, body: d.body });
    const forged = await deliver(keys.zalo, signed(event, { appId: ZALO_APP, secret: 'not-the-oa-secret' }));
    expect(forged.status).toBe(401);
    /** Every recorded Zalo event, over both files, as '<file>:<commune>'. */
    const count = () =>
      [a, b].flatMap((s) =>
        (s.db.prepare('SELECT commune_id FROM zalo_events').all() as { commune_id: string }[]).map(
          (r) => `${s === a ? 'a' : 'b'}:${r.commune_id}`,
        ),
      );
    expect(count()).toEqual([]);
    const res = await deliver(keys.zalo, signed(event, { appId: ZALO_APP, secret: ZALO_OA_SECRET }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, result: 'accepted' });
    expect(count()).toEqual(['b:xa-b']);
    await keyed.zalo.channelOf(keys.zalo)?.idle();
    // The turn ran in commune xa-b: its reply is queued there (no token yet, so it waits to be sent).
    const queued = b.db.prepare(`SELECT DISTINCT commune_id FROM outbox WHERE channel = 'zalo'`).all() as {
      commune_id: string;
    }[];
    expect(queued.map((r) => r.commune_id)).toEqual(['xa-b']);
    expect(a.db.prepare(`SELECT 1 FROM outbox WHERE channel = 'zalo'`).get()).toBeUndefined();
    expect(
      (await deliver('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', signed(event, { appId: ZALO_APP, secret: ZALO_OA_SECRET })))
        .status,
    ).toBe(404);
  });

  it("registers each row's webhook with its own token and secret at start, when PUBLIC_BASE_URL is https", async () => {
    const hooks = recordSetWebhooks([TOKEN_A, TOKEN_B]);
    const starting = createKeyedChannels({
      telegram: {
        keyring: repo,
        communes: (id) => (id === 'hung-chau' ? a : id === 'xa-b' ? b : undefined),
        reserved: () => false,
        logger: log.logger,
        clock,
        publicBaseUrl: 'https://hocvuso.example.vn',
        bot: { botInfo: BOT_INFO, retry: { maxRetryAttempts: 0 } },
      },
      zalo: {
        keyring: repo,
        communes: () => undefined,
        reserved: () => false,
        logger: log.logger,
        clock,
        maxBodyBytes: 1,
      },
    });
    await starting.telegram.start();
    await starting.telegram.stop();
    expect(nock.isDone()).toBe(true);
    expect(hooks.sort((x, y) => x.token.localeCompare(y.token))).toEqual([
      { token: TOKEN_A, url: `https://hocvuso.example.vn/webhooks/telegram/${keys.a}`, secret: SECRET_A },
      { token: TOKEN_B, url: `https://hocvuso.example.vn/webhooks/telegram/${keys.b}`, secret: SECRET_B },
    ]);
  });

  it('serves no row of a commune whose channel of that kind is configured in the environment', async () => {
    telegramApi(TOKEN_A);
    const telegram = loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '333333333:CCC-env_token_of_the_old_path' });
    const runtime = keyedChannels({ settings: { ...(telegram && { telegram }) }, services: a, logger: log.logger });
    const oldPathOwns = createApp({
      webhooks: runtime?.webhooks ?? [],
      chat: createWebChat(webTurns(a)),
      healthy: () => true,
      assets: loadWebAssets(),
      logger: memoryLogger().logger,
      maxBodyBytes: 64_000,
    });
    const update = textUpdate(USER_A, '/start');
    const res = await oldPathOwns.request(`/webhooks/telegram/${keys.a}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET_A },
      body: JSON.stringify(update),
    });
    expect(res.status).toBe(404);
    expect(sent).toEqual([]);
    expect(log.lines.join('\n')).toContain('xã này đã có kênh cùng loại cấu hình trong .env');
  });

  it("connects the handoff: a staff reply reaches the resident through the commune's row, with its token", async () => {
    telegramApi(TOKEN_A);
    nock('https://api.telegram.org').post(`/bot${TOKEN_A}/getMe`).reply(200, { ok: true, result: BOT_INFO });
    const runtime = keyedChannels({ settings: {}, services: a, logger: log.logger });
    if (!runtime) throw new Error('the rows runtime is always on');
    expect(Object.keys(runtime.replyRoutes ?? {}).sort()).toEqual(['telegram', 'zalo']);
    connectHandoff(a, [runtime]);
    const route = a.handoff.routes.get('telegram');
    if (!route) throw new Error('telegram route expected');
    await runtime.start();
    try {
      route.queue(String(USER_A), [{ kind: 'notice', text: 'Cán bộ xã trả lời: bác mang CCCD đến nhé.' }], clock.now());
      await route.flush?.(String(USER_A));
    } finally {
      await runtime.stop();
    }
    expect(sent).toEqual([{ token: TOKEN_A, chatId: USER_A, text: 'Cán bộ xã trả lời: bác mang CCCD đến nhé.' }]);
  });

  it('answers 404 and tells the log to add the channel again when the secrets key was lost', async () => {
    const lost = memoryLogger();
    const otherKey = createKeyedChannels({
      telegram: {
        keyring: new SqliteChannelRepo(a.db, () => createSecretBox(randomBytes(32))),
        communes: (id) => (id === 'hung-chau' ? a : undefined),
        reserved: () => false,
        logger: lost.logger,
        clock,
        bot: { botInfo: BOT_INFO },
      },
      zalo: {
        keyring: repo,
        communes: () => undefined,
        reserved: () => false,
        logger: lost.logger,
        clock,
        maxBodyBytes: 1,
      },
    });
    const lostApp = createApp({
      webhooks: otherKey.webhooks ?? [],
      chat: createWebChat(webTurns(a)),
      healthy: () => true,
      assets: loadWebAssets(),
      logger: memoryLogger().logger,
      maxBodyBytes: 64_000,
    });
    const update = textUpdate(USER_A, '/start');
    const res = await lostApp.request(`/webhooks/telegram/${keys.a}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET_A },
      body: JSON.stringify(update),
    });
    expect(res.status).toBe(404);
    expect(claimOf(update.update_id)).toEqual([]);
    expect(lost.lines.join('\n')).toContain('hãy thêm lại kênh (cli channel add)');
  });

  it('answers 404 for a disabled channel, even with its right secret', async () => {
    telegramApi(TOKEN_B);
    expect(repo.disable(keys.b, NOW)).toBe(true);
    const update = textUpdate(USER_B, '/start');
    const res = await postTelegram(keys.b, update, SECRET_B);
    expect(res.status).toBe(404);
    expect(sent).toEqual([]);
    expect(claimOf(update.update_id)).toEqual([]);
  });

  it('leaves no token or secret in plaintext in the database files', async () => {
    // The last sends' bookkeeping commits in the event loop's check phase (group commit): let it.
    await new Promise((resolve) => setImmediate(resolve));
    a.db.pragma('wal_checkpoint(TRUNCATE)');
    b.db.pragma('wal_checkpoint(TRUNCATE)');
    const files = [a, b].flatMap((s) => [s.config.DATABASE_PATH, `${s.config.DATABASE_PATH}-wal`]);
    for (const f of files) {
      if (!existsSync(f)) continue;
      const bytes = readFileSync(f);
      for (const secret of [TOKEN_A, TOKEN_B, SECRET_A, SECRET_B, ZALO_OA_SECRET]) {
        expect(bytes.includes(Buffer.from(secret, 'utf8'))).toBe(false);
      }
    }
  });
});
