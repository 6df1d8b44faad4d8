/**
 * The real service end to end: the Zalo channel as CHANNEL_FACTORIES builds
 * it from the environment, the real HTTP server on a loopback port, and a
 * small fake Zalo (OA API + OAuth) on 127.0.0.1 reached through
 * ZALO_API_BASE / ZALO_OAUTH_BASE. A resident follows, takes a quiz by typing
 * numbers and passes; the first send exchanges ZALO_REFRESH_TOKEN for tokens
 * and the rotated refresh token ends up in the database.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_FACTORIES } from '../../src/channels/index.js';
import type { ZaloChannel } from '../../src/channels/zalo/channel.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { systemClock, type Services } from '../../src/services.js';
import { startFakeZalo, type FakeZalo } from '../fakes/zaloApi.js';
import {
  APP_ID,
  APP_SECRET,
  followEvent,
  numberedOptions,
  OA_SECRET,
  signed,
  textEvent,
  typeThroughFirstQuiz,
  type SignedDelivery,
} from '../fixtures/zalo.js';
import { memoryLogger, readyServices, tempDir } from '../helpers.js';

const USER = '5000000000000000001';

describe('Zalo channel in the real server against a fake Zalo on 127.0.0.1', () => {
  let tmp: { dir: string; cleanup: () => void };
  let fake: FakeZalo;
  let services: Services;
  let server: RunningServer;
  let channel: ZaloChannel;

  beforeAll(async () => {
    tmp = tempDir('hocvuso-zalo-server-');
    fake = await startFakeZalo({ appSecret: APP_SECRET, refreshToken: 'first-refresh-token', displayName: 'Hùng' });
    services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'hocvuso.db') }, systemClock);
    const env = {
      ZALO_APP_ID: APP_ID,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_APP_SECRET: APP_SECRET,
      ZALO_REFRESH_TOKEN: 'first-refresh-token',
      ZALO_API_BASE: fake.url,
      ZALO_OAUTH_BASE: fake.url,
    };
    const { logger } = memoryLogger();
    const runtimes = CHANNEL_FACTORIES.map((f) => f({ env, services, logger }));
    const zalo = runtimes.find((r) => r?.name === 'zalo');
    if (!zalo) throw new Error('the Zalo factory is not registered or stayed off');
    channel = zalo as ZaloChannel;
    server = await startServer(services, logger, [channel]);
    await channel.start();
  });

  afterAll(async () => {
    await channel?.stop();
    await server?.stop();
    services?.close();
    await fake?.close();
    tmp?.cleanup();
  });

  async function turn(d: SignedDelivery): Promise<string[]> {
    const before = fake.sends.length;
    const res = await fetch(`http://127.0.0.1:${server.port}/webhooks/zalo`, {
      method: 'POST',
      body: d.body,
      headers: { ...d.headers, connection: 'close' },
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    await channel.idle();
    return fake.sends.slice(before).map((s) => s.text);
  }
  const say = (text: string) => turn(signed(textEvent(USER, text, new Date())));

  it('completes a quiz over real sockets and keeps the rotated refresh token', async () => {
    const welcome = await turn(signed(followEvent(USER, new Date())));
    expect(welcome[0]).toMatch(/^Xin chào Hùng!/);
    expect(numberedOptions(welcome[0] ?? '')[0]).toBe('Làm bài kiểm tra');

    const quiz = services.quizzes.list()[0];
    if (!quiz) throw new Error('no quiz');
    const { consentOptions, last } = await typeThroughFirstQuiz(say, quiz);
    expect(consentOptions).toEqual(['Đồng ý', 'Bỏ qua']);
    expect(last.join('\n')).toMatch(/Chúc mừng, bà con đã đạt bài/);
    expect(fake.sends.every((s) => s.userId === USER)).toBe(true);

    const citizen = services.citizens.findByIdentity({ channel: 'zalo', userId: USER });
    const results = services.attempts.results(citizen?.id ?? '');
    expect(results.find((r) => r.quizId === quiz.id)?.firstPassedAt).toBeDefined();

    expect(fake.refreshes).toBe(1);
    expect(channel.store.tokens()).toMatchObject({ accessToken: fake.accessToken, refreshToken: 'refresh-1' });
  });
});
