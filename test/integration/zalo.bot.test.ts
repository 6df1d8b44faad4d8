/**
 * The Zalo Bot Platform mode (ZALO_MODE=bot): updates by webhook (checked
 * against X-Bot-Api-Secret-Token) or by getUpdates long polling, replies by
 * sendMessage, with the same numbered choices, de-duplication and outbox as
 * the OA. Zalo is nock. On SQLite or PostgreSQL (test/testService.ts
 * `zaloChannelWith`).
 */
import { Hono } from 'hono';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZaloRuntime } from '../../src/channels/zalo/channel.js';
import { loadZaloConfig } from '../../src/channels/zalo/config.js';
import { TEXT_ONLY } from '../../src/channels/zalo/texts.js';
import { mountRawRoute } from '../../src/http/rawRoute.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { testService, type TestService } from '../testService.js';

const TOKEN = '1459232241454765289:TestBotToken_abcdefghijklmnop';
const BASE = 'https://bot-api.zaloplatforms.com';
const SECRET = 'webhook-secret-123';
const CHAT = 'e4ea2cd5189df1c3a88c';

interface BotSetup {
  services: TestService;
  channel: ZaloRuntime;
  app: Hono;
  sent: { chat_id: string; text: string }[];
  close(): Promise<void>;
}

async function botSetup(env: Record<string, string>): Promise<BotSetup> {
  const clock = fixedClock();
  const config = loadZaloConfig({ ZALO_MODE: 'bot', ZALO_BOT_TOKEN: TOKEN, ...env });
  if (!config) throw new Error('off');
  const services = await testService({ clock });
  const channel = services.zaloChannelWith({
    config,
    logger: memoryLogger().logger,
    maxBodyBytes: 64_000,
    clock,
    timers: false,
    retry: { attempts: 2, delaysMs: [0] },
    pollTimeoutSeconds: 1,
  });
  const sent: { chat_id: string; text: string }[] = [];
  nock(BASE)
    .persist()
    .post(`/bot${TOKEN}/sendMessage`)
    .reply(200, (_uri, body) => {
      sent.push(body as { chat_id: string; text: string });
      return { ok: true, result: { message_id: `s${sent.length}`, date: 1 } };
    });
  const app = new Hono();
  for (const w of channel.webhooks ?? []) mountRawRoute(app, w, memoryLogger().logger);
  return {
    services,
    channel,
    app,
    sent,
    async close() {
      await channel.stop();
      await services.close();
    },
  };
}

const update = (text: string | undefined, id: string, event = 'message.text.received') => ({
  ok: true,
  result: {
    event_name: event,
    message: {
      chat: { id: CHAT, chat_type: 'PRIVATE' },
      ...(text === undefined ? {} : { text }),
      message_id: id,
      date: 1766619597466,
      from: { id: CHAT, display_name: 'Nguyen Van A' },
    },
  },
});

describe('Zalo Bot Platform mode', () => {
  let s: BotSetup | undefined;

  afterEach(async () => {
    await s?.close();
    s = undefined;
    nock.cleanAll();
  });

  it('webhook: refuses a wrong secret, answers typed choices, ignores a repeated message id', async () => {
    s = await botSetup({ ZALO_BOT_WEBHOOK_SECRET: SECRET });
    const post = (body: unknown, secret?: string) =>
      s!.app.request('/webhooks/zalo', {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...(secret ? { 'x-bot-api-secret-token': secret } : {}) },
      });
    expect((await post(update('xin chào', 'm1'))).status).toBe(401);
    expect((await post(update('xin chào', 'm1'), 'wrong-secret-000')).status).toBe(401);
    await s.channel.idle();
    expect(s.sent).toHaveLength(0);

    expect((await post(update('/start', 'm1'), SECRET)).status).toBe(200);
    await s.channel.idle();
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]?.chat_id).toBe(CHAT);
    expect(s.sent[0]?.text).toMatch(/^Xin chào bà con!/);
    expect(s.sent[0]?.text).toMatch(/1\. Làm bài kiểm tra/);

    expect((await post(update('/start', 'm1'), SECRET)).status).toBe(200);
    await s.channel.idle();
    expect(s.sent).toHaveLength(1);

    expect((await post(update('1', 'm2'), SECRET)).status).toBe(200);
    await s.channel.idle();
    expect(s.sent[1]?.text).toMatch(/^Mời bà con chọn một bài kiểm tra/);

    expect((await post(update(undefined, 'm3', 'message.sticker.received'), SECRET)).status).toBe(200);
    await s.channel.idle();
    expect(s.sent[2]?.text).toBe(TEXT_ONLY);
  });

  it('long polling: takes updates from getUpdates and stops cleanly', async () => {
    s = await botSetup({});
    nock(BASE).post(`/bot${TOKEN}/getUpdates`).reply(200, update('xin chào', 'p1'));
    nock(BASE).post(`/bot${TOKEN}/getUpdates`).reply(200, { ok: false, error_code: 408, description: 'timeout' });
    nock(BASE).persist().post(`/bot${TOKEN}/getUpdates`).delay(200).reply(200, { ok: true, result: [] });
    await s.channel.start();
    for (let i = 0; i < 50 && s.sent.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await s.channel.idle();
    }
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]?.text).toMatch(/^Xin chào bà con!/);
    const started = Date.now();
    await s.channel.stop();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('registers the webhook with setWebhook when its public URL is configured', async () => {
    s = await botSetup({
      ZALO_BOT_WEBHOOK_SECRET: SECRET,
      ZALO_BOT_WEBHOOK_URL: 'https://xa.example.vn/webhooks/zalo',
    });
    const scope = nock(BASE)
      .post(`/bot${TOKEN}/setWebhook`, { url: 'https://xa.example.vn/webhooks/zalo', secret_token: SECRET })
      .reply(200, { ok: true, result: { url: 'https://xa.example.vn/webhooks/zalo', updated_at: 1 } });
    await s.channel.start();
    expect(scope.isDone()).toBe(true);
  });
});
