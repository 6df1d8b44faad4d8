/**
 * Channels as rows on PostgreSQL (issue 20 item 3), what keyedChannels.test.ts
 * does not show with its two running services: pgKeyed.ts in this process,
 * over two communes of one database. At start each row's webhook is
 * registered with its own token and secret when PUBLIC_BASE_URL is https; a
 * row of the install's own commune is not served while .env configures that
 * commune's channel of the same kind; a row whose secrets the install's key
 * cannot open is a 404, and the log says to add the channel again. (The
 * SQLite composition's twin: test/integration/channelRows.webhooks.test.ts.)
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import type { ChannelSecrets } from '../../src/core/stores/channels.js';
import { pgKeyedChannels, type PgKeyedDeps } from '../../src/channels/keyed/pgKeyed.js';
import { loadTelegramConfig } from '../../src/channels/telegram/config.js';
import { mountRawRoute } from '../../src/http/rawRoute.js';
import { openPgCommune, type PgCommune } from '../../src/pgCommune.js';
import { PgChannelRepo } from '../../src/storage/pg/pgChannelRepo.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { createSecretBox } from '../../src/storage/secretBox.js';
import { secretBoxFor } from '../../src/storage/secretKey.js';
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
import { BOT_INFO, textUpdate } from '../integration/telegramFixtures.js';
import { memoryLogger, tempDir, testConfig } from '../helpers.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const HOME = 'hung-chau';
const B = 'xa-b';

describe('channels as rows on PostgreSQL, in one process', () => {
  let t: TestDatabase;
  let pg: Kysely<Database>;
  let tmp: ReturnType<typeof tempDir>;
  let config: Config;
  let communes: readonly PgCommune[];
  const keys = { a: '', b: '' };
  const sent: Sent[] = [];

  beforeAll(async () => {
    t = await createMigratedDatabase();
    pg = connect<Database>(t.appUrl, 4);
    tmp = tempDir('hocvuso-keyed-start-');
    const keyFile = join(tmp.dir, 'secrets.key');
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    config = testConfig({ DATABASE_URL: t.appUrl, COMMUNE_ID: HOME, SECRETS_KEY_FILE: keyFile });
    const logger = memoryLogger().logger;
    communes = [await openPgCommune(config, logger, pg, HOME), await openPgCommune(config, logger, pg, B)];
    const box = secretBoxFor(config);
    const repo = new PgChannelRepo(
      pg,
      () => box,
      () => [HOME, B],
    );
    const add = async (commune: string, secrets: ChannelSecrets): Promise<string> => {
      const r = await repo.add(commune, secrets, new Date());
      if (!r.ok) throw new Error(r.reason);
      return r.row.publicKey;
    };
    keys.a = await add(HOME, { kind: 'telegram', botToken: TOKEN_A, webhookSecret: SECRET_A });
    keys.b = await add(B, { kind: 'telegram', botToken: TOKEN_B, webhookSecret: SECRET_B });
  }, 120_000);

  afterEach(() => {
    nock.cleanAll();
    sent.length = 0;
  });

  afterAll(async () => {
    await pg?.destroy();
    await t?.drop();
    tmp?.cleanup();
  });

  /** The rows' channels of this process, over the install's key unless told, with a Hono app of their webhooks. */
  function keyedOf(over: Partial<PgKeyedDeps> = {}) {
    const log = memoryLogger();
    const keyed = pgKeyedChannels({
      pg,
      communes,
      homeId: HOME,
      settings: {},
      secrets: () => secretBoxFor(config),
      maxBodyBytes: 64_000,
      logger: log.logger,
      keyCacheMs: 0,
      telegram: { bot: { botInfo: BOT_INFO, retry: { maxRetryAttempts: 0 } }, throttle: false },
      zalo: { timers: false },
      ...over,
    });
    const app = new Hono();
    for (const route of keyed.webhooks ?? []) mountRawRoute(app, route, log.logger);
    const post = (key: string, updateId: number) =>
      app.request(`/webhooks/telegram/${key}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET_A },
        body: JSON.stringify(textUpdate(7_001, '/start', { updateId })),
      });
    return { keyed, post, lines: log.lines };
  }

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

  it("registers each row's webhook with its own token and secret at start, when PUBLIC_BASE_URL is https", async () => {
    const hooks = recordSetWebhooks([TOKEN_A, TOKEN_B]);
    const { keyed } = keyedOf({ publicBaseUrl: 'https://hocvuso.example.vn' });
    await keyed.start();
    await keyed.stop();
    expect(nock.isDone()).toBe(true);
    expect(hooks.sort((x, y) => x.token.localeCompare(y.token))).toEqual([
      { token: TOKEN_A, url: `https://hocvuso.example.vn/webhooks/telegram/${keys.a}`, secret: SECRET_A },
      { token: TOKEN_B, url: `https://hocvuso.example.vn/webhooks/telegram/${keys.b}`, secret: SECRET_B },
    ]);
  });

  it('serves no row of the commune whose channel of that kind is configured in the environment', async () => {
    nock('https://api.telegram.org')
      .persist()
      .post(sendMessagePath(TOKEN_A))
      .reply(200, recordSendMessage(TOKEN_A, sent));
    const telegram = loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '333333333:CCC-env_token_of_the_old_path' });
    const { post, lines } = keyedOf({ settings: { ...(telegram && { telegram }) } });
    const res = await post(keys.a, 9_800_001);
    expect(res.status).toBe(404);
    expect(sent).toEqual([]);
    expect(await claimedIn('telegram:9800001')).toEqual([]);
    expect(lines.join('\n')).toContain('xã này đã có kênh cùng loại cấu hình trong .env');
  });

  it('answers 404 and tells the log to add the channel again when the secrets key was lost', async () => {
    const { post, lines } = keyedOf({ secrets: () => createSecretBox(randomBytes(32)) });
    const res = await post(keys.a, 9_800_002);
    expect(res.status).toBe(404);
    expect(await claimedIn('telegram:9800002')).toEqual([]);
    expect(lines.join('\n')).toContain('hãy thêm lại kênh (cli channel add)');
  });
});
