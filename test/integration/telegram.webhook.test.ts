/**
 * Webhook mode through the Hono app in-process (`app.request`, no port): the
 * secret header is required and compared in constant time (401 and nothing
 * handled when it is missing or wrong), a good delivery is handled and
 * acknowledged, a redelivery is dropped, a body that is not an update is
 * refused, and start() registers the commands and the webhook with its
 * secret and the update list. On SQLite or PostgreSQL: the channel npm start
 * builds on each (test/testService.ts `telegramRuntime`).
 */
import type { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadWebAssets } from '../../src/channels/web/assets.js';
import { loadTelegramConfig } from '../../src/channels/telegram/config.js';
import type { TelegramRuntime } from '../../src/channels/telegram/runtime.js';
import { WEBHOOK_PATH } from '../../src/channels/telegram/webhook.js';
import { sameSecret } from '../../src/http/secretHeader.js';
import { WELCOME } from '../../src/core/conversation/texts.js';
import { createApp } from '../../src/http/app.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { testService, type TestService } from '../testService.js';
import { BOT_INFO, FakeBotApi, TEST_TOKEN, textUpdate } from './telegramFixtures.js';

const SECRET = 'webhook_Secret-123';

describe('Telegram webhook route', () => {
  let services: TestService;
  let api: FakeBotApi;
  let runtime: TelegramRuntime;
  let app: Hono;

  beforeAll(async () => {
    services = await testService();
  });

  afterAll(async () => {
    await services?.close();
  });

  beforeEach(() => {
    api = new FakeBotApi();
    const config = loadTelegramConfig({
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'https://xa-hungchau.example.vn',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    });
    if (!config) throw new Error('config expected');
    runtime = services.telegramRuntime(config, {
      logger: memoryLogger().logger,
      clock: fixedClock(),
      bot: { botInfo: BOT_INFO, transport: api.transport },
    });
    // The service's HTTP app, with the channel's route added through the runtime's extension point
    // (the web chat is not what this file tests).
    app = createApp({
      webhooks: runtime.webhooks ?? [],
      chat: () => Promise.reject(new Error('the web chat is not used here')),
      healthy: () => true,
      assets: loadWebAssets(),
      logger: memoryLogger().logger,
      maxBodyBytes: 64_000,
    });
  });

  const post = (body: string, secret?: string) =>
    app.request(WEBHOOK_PATH, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}),
      },
      body,
    });

  it('refuses a missing or wrong secret with 401 and handles nothing', async () => {
    const update = textUpdate(8_300_001, '/start');
    for (const secret of [undefined, '', 'wrong', `${SECRET}x`, SECRET.slice(0, -1)]) {
      const res = await post(JSON.stringify(update), secret);
      expect(res.status).toBe(401);
    }
    expect(api.calls).toEqual([]);
    // Not even claimed: the same update is still new.
    const claimed = (await services.tables.rows('turn_claims')).filter(
      (r) => r.claim_key === `telegram:${update.update_id}`,
    );
    expect(claimed).toEqual([]);
  });

  it('handles a delivery with the right secret, once', async () => {
    const update = textUpdate(8_300_002, '/start');
    const res = await post(JSON.stringify(update), SECRET);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(api.texts(8_300_002)).toEqual([WELCOME]);

    const again = await post(JSON.stringify(update), SECRET);
    expect(again.status).toBe(200);
    expect(api.texts(8_300_002)).toEqual([WELCOME]);
  });

  it('refuses bodies that are not updates', async () => {
    expect((await post('not json', SECRET)).status).toBe(400);
    expect((await post(JSON.stringify({ hello: 1 }), SECRET)).status).toBe(400);
    expect((await post(JSON.stringify({ update_id: -1 }), SECRET)).status).toBe(400);
    expect(api.calls).toEqual([]);
  });

  it('start() sets the Vietnamese commands and the webhook with its secret and update list', async () => {
    await runtime.start();
    await runtime.stop();
    expect(api.methods()).toEqual(['setMyCommands', 'setMyCommands', 'setWebhook']);
    const [priv, group, hook] = api.calls;
    expect(JSON.stringify(priv?.payload.commands)).toContain('Xem kết quả của tôi');
    expect(group?.payload.scope).toEqual({ type: 'all_group_chats' });
    expect(JSON.stringify(group?.payload.commands)).not.toContain('ketqua');
    expect(hook?.payload).toMatchObject({
      url: `https://xa-hungchau.example.vn${WEBHOOK_PATH}`,
      secret_token: SECRET,
      allowed_updates: expect.arrayContaining(['message', 'callback_query', 'poll_answer']) as unknown,
    });
  });

  it('compares secrets by content only', () => {
    expect(sameSecret(SECRET, SECRET)).toBe(true);
    expect(sameSecret(undefined, SECRET)).toBe(false);
    expect(sameSecret('a'.repeat(300), SECRET)).toBe(false);
  });
});
