/**
 * Channels as rows on PostgreSQL (issue 20 item 3): two services on one
 * database (two processes behind a proxy, real HTTP on loopback) serve
 * `/webhooks/telegram/:key` and `/webhooks/zalo/:key` for two communes, each
 * with a Telegram row and a Zalo row. An update to commune B's key runs in B
 * only and is answered with B's token; a wrong secret is 401/403 with nothing
 * stored; an update given to both processes is answered once; an unknown key
 * is 404; a row added while the services run is served without a restart.
 * The network is nock at the Bot API and Zalo OA edge: a call with any other
 * token has no interceptor and fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Update } from 'grammy/types';
import type { Config } from '../../src/config.js';
import type { ChannelSecrets } from '../../src/core/stores/channels.js';
import { WELCOME } from '../../src/core/conversation/texts.js';
import { pgKeyedChannels } from '../../src/channels/keyed/pgKeyed.js';
import { mountRawRoute } from '../../src/http/rawRoute.js';
import { openPgCommune } from '../../src/pgCommune.js';
import { runPgService } from '../../src/pgRun.js';
import type { RunningService } from '../../src/run.js';
import { PgChannelRepo } from '../../src/storage/pg/pgChannelRepo.js';
import { PgZaloStore } from '../../src/storage/pg/pgZaloStore.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { secretBoxFor } from '../../src/storage/secretKey.js';
import { API_BASE, signed, textEvent } from '../fixtures/zalo.js';
import {
  recordSendMessage,
  SECRET_A,
  SECRET_B,
  sendMessagePath,
  TOKEN_A,
  TOKEN_B,
  type Sent,
} from '../fixtures/channelRows.js';
import { BOT_INFO, eventually, textUpdate } from '../integration/telegramFixtures.js';
import { memoryLogger, testConfig } from '../helpers.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const HOME = 'hung-chau';
const B = 'xa-b';
const TOKEN_C = '333333333:CCC-token_added_while_running';
const ZALO_A = { appId: '100000000000000001', oaSecretKey: 'OaSecretOfHungChau', appSecret: 'app-secret-a' };
const ZALO_B = { appId: '200000000000000002', oaSecretKey: 'OaSecretOfXaB', appSecret: 'app-secret-b' };

interface ZaloSent {
  readonly accessToken: string;
  readonly userId: string;
  readonly text: string;
}

describe('channels as rows on PostgreSQL, two processes', () => {
  let t: TestDatabase;
  let pg: Kysely<Database>;
  let dir: string;
  let config: Config;
  let repo: PgChannelRepo;
  const running: RunningService[] = [];
  const keys = { tgA: '', tgB: '', zaloA: '', zaloB: '' };
  const sent: Sent[] = [];
  const zaloSent: ZaloSent[] = [];

  /** The Bot API for these tokens only: getMe (a bot's first call) and sendMessage, recorded. */
  function telegramApi(...tokens: string[]): void {
    for (const token of tokens) {
      nock('https://api.telegram.org')
        .persist()
        .post(`/bot${token}/getMe`)
        .reply(200, { ok: true, result: BOT_INFO })
        .post(sendMessagePath(token))
        .reply(200, recordSendMessage(token, sent));
    }
  }

  /** Zalo's OA message API, recorded with the access token each call carried. */
  function zaloApi(): void {
    nock(API_BASE)
      .persist()
      .post('/v3.0/oa/message/cs')
      .reply(function (_uri, body) {
        const b = body as { recipient: { user_id: string }; message: { text?: string } };
        const header = this.req.headers.access_token;
        zaloSent.push({
          accessToken: Array.isArray(header) ? (header[0] ?? '') : (header ?? ''),
          userId: b.recipient.user_id,
          text: b.message.text ?? '',
        });
        return [200, { error: 0, message: 'Success', data: { message_id: `m${zaloSent.length}` } }];
      });
  }

  const add = async (commune: string, secrets: ChannelSecrets): Promise<string> => {
    const r = await repo.add(commune, secrets, new Date());
    if (!r.ok) throw new Error(r.reason);
    return r.row.publicKey;
  };

  const urlOf = (s: RunningService | undefined): string => {
    if (!s) throw new Error('service not started');
    return `http://127.0.0.1:${s.port}`;
  };

  const postTelegram = (s: RunningService | undefined, key: string, update: Update, secret?: string) =>
    fetch(`${urlOf(s)}/webhooks/telegram/${key}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret !== undefined && { 'x-telegram-bot-api-secret-token': secret }),
      },
      body: JSON.stringify(update),
    });

  const postZalo = (s: RunningService | undefined, key: string, d: { body: string; headers: Record<string, string> }) =>
    fetch(`${urlOf(s)}/webhooks/zalo/${key}`, { method: 'POST', headers: d.headers, body: d.body });

  /** The communes in which a claim was committed. */
  async function claimedIn(claim: string): Promise<string[]> {
    const out: string[] = [];
    for (const commune of [HOME, B]) {
      const rows = await withCommune(pg, commune, (trx) =>
        trx.selectFrom('turn_claims').select('commune_id').where('claim_key', '=', claim).execute(),
      );
      out.push(...rows.map((r) => r.commune_id));
    }
    return out;
  }

  async function zaloEventsIn(): Promise<string[]> {
    const out: string[] = [];
    for (const commune of [HOME, B]) {
      const rows = await withCommune(pg, commune, (trx) =>
        trx.selectFrom('zalo_events').select('commune_id').execute(),
      );
      out.push(...rows.map((r) => r.commune_id));
    }
    return out;
  }

  beforeAll(async () => {
    t = await createMigratedDatabase();
    pg = connect<Database>(t.appUrl, 2);
    dir = mkdtempSync(join(tmpdir(), 'hocvuso-keyed-pg-'));
    const keyFile = join(dir, 'secrets.key');
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    config = testConfig({ DATABASE_URL: t.appUrl, COMMUNE_ID: HOME, SECRETS_KEY_FILE: keyFile });
    // Commune B's row, as `cli commune add` leaves it.
    await openPgCommune(config, memoryLogger().logger, pg, B);
    const box = secretBoxFor(config);
    repo = new PgChannelRepo(
      pg,
      () => box,
      () => [HOME, B],
    );
    keys.tgA = await add(HOME, { kind: 'telegram', botToken: TOKEN_A, webhookSecret: SECRET_A });
    keys.tgB = await add(B, { kind: 'telegram', botToken: TOKEN_B, webhookSecret: SECRET_B });
    keys.zaloA = await add(HOME, { kind: 'zalo', ...ZALO_A });
    keys.zaloB = await add(B, { kind: 'zalo', ...ZALO_B });
    // B's OA already has its tokens (as after its first refresh), sealed with the install's key.
    await new PgZaloStore(pg, B, ZALO_B.appId, box).saveRefreshed(
      { accessToken: 'access-of-xa-b', refreshToken: 'refresh-of-xa-b', expiresAt: new Date(Date.now() + 86_400_000) },
      new Date(),
    );
    telegramApi(TOKEN_A, TOKEN_B, TOKEN_C);
    zaloApi();
    for (let i = 0; i < 2; i++) running.push(await runPgService(config, memoryLogger().logger, {}, t.appUrl));
  }, 180_000);

  afterEach(() => {
    sent.length = 0;
    zaloSent.length = 0;
  });

  afterAll(async () => {
    for (const r of running) await r.stop();
    nock.cleanAll();
    await pg?.destroy();
    await t?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs an update to commune B's key in commune B only, answered with B's token", async () => {
    const update = textUpdate(7_002, '/start');
    const res = await postTelegram(running[0], keys.tgB, update, SECRET_B);
    expect(res.status).toBe(200);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((s) => s.token === TOKEN_B && s.chatId === 7_002)).toBe(true);
    expect(sent.map((s) => s.text)).toContain(WELCOME);
    expect(await claimedIn(`telegram:${update.update_id}`)).toEqual([B]);
    const stateIn = async (commune: string) =>
      withCommune(pg, commune, (trx) =>
        trx.selectFrom('conversation_state').select('commune_id').where('user_id', '=', '7002').execute(),
      );
    expect((await stateIn(B)).map((r) => r.commune_id)).toEqual([B]);
    expect(await stateIn(HOME)).toEqual([]);
  });

  it('answers an update once when Telegram gives it to both processes, and again to one', async () => {
    for (let i = 0; i < 3; i++) {
      const user = 7_100 + i;
      const update = textUpdate(user, '/start');
      const replies = await Promise.all(running.map((s) => postTelegram(s, keys.tgA, update, SECRET_A)));
      expect(replies.map((r) => r.status)).toEqual([200, 200]);
      expect((await postTelegram(running[1], keys.tgA, update, SECRET_A)).status).toBe(200);
      expect(sent.filter((s) => s.chatId === user).map((s) => s.text)).toEqual([WELCOME]);
      expect(sent.every((s) => s.token === TOKEN_A)).toBe(true);
      expect(await claimedIn(`telegram:${update.update_id}`)).toEqual([HOME]);
    }
  });

  it("refuses a missing or wrong secret (another row's included) with 401, storing nothing", async () => {
    const update = textUpdate(7_200, '/start');
    for (const secret of [undefined, '', 'wrong', SECRET_A, `${SECRET_B}x`]) {
      expect((await postTelegram(running[0], keys.tgB, update, secret)).status).toBe(401);
    }
    expect(sent).toEqual([]);
    expect(await claimedIn(`telegram:${update.update_id}`)).toEqual([]);
  });

  it('answers 404 with no hint for an unknown key, a key of the other kind, or a malformed key', async () => {
    const update = textUpdate(7_300, '/start');
    for (const key of ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', keys.zaloB, 'not%20a%20key']) {
      const res = await postTelegram(running[1], key, update, SECRET_B);
      expect(res.status).toBe(404);
      expect(JSON.stringify(await res.json())).not.toMatch(/secret|commune|telegram|zalo/i);
    }
    const event = { ...textEvent('5500', 'xin chào', new Date()), app_id: ZALO_B.appId };
    const delivery = signed(event, { appId: ZALO_B.appId, secret: ZALO_B.oaSecretKey });
    expect((await postZalo(running[0], 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', delivery)).status).toBe(404);
    expect((await postZalo(running[0], keys.tgB, delivery)).status).toBe(404);
    expect(await claimedIn(`telegram:${update.update_id}`)).toEqual([]);
    expect(await zaloEventsIn()).toEqual([]);
  });

  it("records a Zalo event for B's key once across both processes and answers it once with B's token", async () => {
    const event = { ...textEvent('5501', 'xin chào', new Date()), app_id: ZALO_B.appId };
    // Signed with commune A's OA secret: not this row's, so refused and nothing recorded.
    const forged = signed(event, { appId: ZALO_A.appId, secret: ZALO_A.oaSecretKey });
    expect((await postZalo(running[0], keys.zaloB, forged)).status).toBe(401);
    expect(await zaloEventsIn()).toEqual([]);
    const delivery = signed(event, { appId: ZALO_B.appId, secret: ZALO_B.oaSecretKey });
    const replies = await Promise.all(running.map((s) => postZalo(s, keys.zaloB, delivery)));
    expect(replies.map((r) => r.status)).toEqual([200, 200]);
    await eventually(() => zaloSent.some((m) => m.userId === '5501'));
    expect(await zaloEventsIn()).toEqual([B]);
    const zaloClaims = await withCommune(pg, B, (trx) =>
      trx.selectFrom('turn_claims').select('claim_key').where('claim_key', 'like', 'zalo:%').execute(),
    );
    expect(zaloClaims).toHaveLength(1);
    const toResident = zaloSent.filter((m) => m.userId === '5501');
    expect(toResident.length).toBeGreaterThan(0);
    expect(new Set(toResident.map((m) => m.text)).size).toBe(toResident.length);
    expect(toResident.every((m) => m.accessToken === 'access-of-xa-b')).toBe(true);
    const outboxIn = async (commune: string) =>
      withCommune(pg, commune, (trx) =>
        trx.selectFrom('outbox').select('commune_id').where('channel', '=', 'zalo').execute(),
      );
    expect(await outboxIn(HOME)).toEqual([]);
  });

  it('serves a row added while the services run, without a restart, and stops serving a disabled one', async () => {
    expect(await repo.disable(keys.tgA, new Date())).toBe(true);
    const key = await add(HOME, { kind: 'telegram', botToken: TOKEN_C, webhookSecret: SECRET_A });
    const update = textUpdate(7_400, '/start');
    const res = await postTelegram(running[1], key, update, SECRET_A);
    expect(res.status).toBe(200);
    expect(sent.filter((s) => s.chatId === 7_400)).toEqual([{ token: TOKEN_C, chatId: 7_400, text: WELCOME }]);
    // The disabled row's key is remembered a few seconds at most (cachedKeyring.ts), then it is a 404.
    // Asked with a wrong secret, so that nothing is handled meanwhile (401 while remembered).
    const other = textUpdate(7_401, '/start');
    let status = 0;
    const deadline = Date.now() + 15_000;
    while (status !== 404 && Date.now() < deadline) {
      status = (await postTelegram(running[0], keys.tgA, other, 'wrong')).status;
      if (status !== 404) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(404);
    expect(sent.filter((s) => s.chatId === 7_401)).toEqual([]);
  });
  it("carries a staff reply of commune B's handoff to the resident through B's rows, with B's token", async () => {
    // A third process, in this file's own process, so the test holds its communes' handoff services.
    const own = connect<Database>(t.appUrl, 8);
    const logger = memoryLogger().logger;
    const communes = [
      await openPgCommune(config, logger, own, HOME),
      await openPgCommune(config, logger, own, B),
    ] as const;
    const keyed = pgKeyedChannels({
      pg: own,
      communes,
      homeId: HOME,
      settings: {},
      secrets: () => secretBoxFor(config),
      maxBodyBytes: 64_000,
      logger,
      keyCacheMs: 0,
      telegram: { bot: { botInfo: BOT_INFO, retry: { maxRetryAttempts: 0 } }, throttle: false },
      zalo: { timers: false },
    });
    const app = new Hono();
    for (const route of keyed.webhooks ?? []) mountRawRoute(app, route, logger);
    await keyed.start();
    try {
      const user = 7_500;
      const asks = await app.request(`/webhooks/telegram/${keys.tgB}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET_B },
        body: JSON.stringify(textUpdate(user, '/nguoi')),
      });
      expect(asks.status).toBe(200);
      const b = communes[1];
      const thread = await b.handoff.store.openThreadOf('telegram', String(user));
      if (!thread) throw new Error('no thread opened in commune B');
      expect(await communes[0].handoff.store.openThreadOf('telegram', String(user))).toBeUndefined();
      sent.length = 0;
      const reply = await b.handoff.actions.reply(thread.id, { kind: 'commune' }, 'lan-b', 'Bác mang CCCD đến nhé.', {
        confirmed: false,
      });
      expect(reply.ok).toBe(true);
      await eventually(() => sent.some((m) => m.chatId === user));
      expect(sent).toEqual([{ token: TOKEN_B, chatId: user, text: '👤 Cán bộ xã trả lời:\nBác mang CCCD đến nhé.' }]);
    } finally {
      await keyed.stop();
      await own.destroy();
    }
  });
});
