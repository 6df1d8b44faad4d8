/**
 * The real service end to end: the Zalo channel as CHANNEL_FACTORIES builds
 * it from the environment, the real HTTP server on a loopback port, and a
 * small fake Zalo (OA API + OAuth) on 127.0.0.1 reached through
 * ZALO_API_BASE / ZALO_OAUTH_BASE. A resident follows, takes a quiz by typing
 * numbers and passes; the first send exchanges ZALO_REFRESH_TOKEN for tokens
 * and the rotated refresh token ends up in the database; a redelivery is
 * acknowledged and not answered twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZaloRuntime } from '../../src/channels/zalo/channel.js';
import { systemClock } from '../../src/services.js';
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
import { testService, type TestService } from '../testService.js';

const USER = '5000000000000000001';

describe('Zalo in the real server, against a fake Zalo', () => {
  let fake: FakeZalo;
  let services: TestService;
  let runtime: ZaloRuntime;

  beforeAll(async () => {
    fake = await startFakeZalo({ appSecret: APP_SECRET, refreshToken: 'first-refresh-token', displayName: 'Hùng' });
    // The service npm start runs on this database (SQLite or PostgreSQL) with the Zalo variables of .env.
    services = await testService({
      clock: systemClock,
      channelEnv: {
        ZALO_APP_ID: APP_ID,
        ZALO_OA_SECRET_KEY: OA_SECRET,
        ZALO_APP_SECRET: APP_SECRET,
        ZALO_REFRESH_TOKEN: 'first-refresh-token',
        ZALO_API_BASE: fake.url,
        ZALO_OAUTH_BASE: fake.url,
      },
    });
    const zalo = services.channels.find((c) => c.name === 'zalo');
    if (!zalo) throw new Error('the Zalo factory is not registered or stayed off');
    runtime = zalo as ZaloRuntime;
  }, 30_000);

  afterAll(async () => {
    await services?.close();
    await fake?.close();
  });

  /** Waits until every delivery so far is handled (its replies were sent by then). */
  const settled = (): Promise<void> => runtime.idle();

  async function turn(d: SignedDelivery): Promise<{ result: string; texts: string[] }> {
    const before = fake.sends.length;
    const res = await fetch(`${services.base}/webhooks/zalo`, {
      method: 'POST',
      body: d.body,
      headers: { ...d.headers, connection: 'close' },
    });
    expect(res.status).toBe(200);
    const { result } = (await res.json()) as { result: string };
    await settled();
    return { result, texts: fake.sends.slice(before).map((s) => s.text) };
  }
  const say = async (text: string) => (await turn(signed(textEvent(USER, text, new Date())))).texts;

  it('completes a quiz over real sockets and keeps the rotated refresh token', async () => {
    const welcome = (await turn(signed(followEvent(USER, new Date())))).texts;
    expect(welcome[0]).toMatch(/^Xin chào Hùng!/);
    expect(numberedOptions(welcome[0] ?? '')[0]).toBe('Làm bài kiểm tra');

    const quiz = services.quizzes.list()[0];
    if (!quiz) throw new Error('no quiz');
    const { consentOptions, last } = await typeThroughFirstQuiz(say, quiz);
    expect(consentOptions).toEqual(['Đồng ý', 'Bỏ qua']);
    expect(last.join('\n')).toMatch(/Chúc mừng, bà con đã đạt bài/);
    expect(fake.sends.every((s) => s.userId === USER)).toBe(true);

    const citizen = await services.citizens.findByIdentity({ channel: 'zalo', userId: USER });
    const results = await services.attempts.results(citizen?.id ?? '');
    expect(results.find((r) => r.quizId === quiz.id)?.firstPassedAt).toBeDefined();
    const store = services.channelStores.zalo(APP_ID).state;
    expect(fake.refreshes).toBe(1);
    expect(await store.tokens()).toMatchObject({ accessToken: fake.accessToken, refreshToken: 'refresh-1' });
    expect((await store.counts()).sent).toBe(fake.sends.length);
  });

  it('acknowledges a redelivered message without answering it again', async () => {
    const d = signed(textEvent(USER, '3', new Date(), 'msg-dup'));
    const first = await turn(d);
    expect(first.result).toBe('accepted');
    expect(first.texts.length).toBeGreaterThan(0);
    const again = await turn(d);
    expect(again).toEqual({ result: 'duplicate', texts: [] });
  });
});
