/**
 * The real service end to end: the Zalo channel as CHANNEL_FACTORIES builds
 * it from the environment, the real HTTP server on a loopback port, and a
 * small fake Zalo (OA API + OAuth) on 127.0.0.1 reached through
 * ZALO_API_BASE / ZALO_OAUTH_BASE. A resident follows, takes a quiz by typing
 * numbers and passes; the first send exchanges ZALO_REFRESH_TOKEN for tokens
 * and the rotated refresh token ends up in the database; a redelivery is
 * acknowledged and not answered twice.
 */
import { loadChannelSettings } from '../../src/channelSettings.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_FACTORIES } from '../../src/channels/index.js';
import type { ChannelRuntime } from '../../src/channels/runtime.js';
import type { ZaloChannel } from '../../src/channels/zalo/channel.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { systemClock, type Services } from '../../src/services.js';
import { SqliteZaloStore } from '../../src/storage/sqlite/zaloStore.js';
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

describe('Zalo in the real server, against a fake Zalo', () => {
  let tmp: { dir: string; cleanup: () => void };
  let fake: FakeZalo;
  let services: Services;
  let server: RunningServer;
  let runtime: ChannelRuntime | undefined;
  const log = memoryLogger();
  let env: Record<string, string>;

  const zaloRuntime = (): ChannelRuntime => {
    const r = CHANNEL_FACTORIES.map((f) =>
      f({ settings: loadChannelSettings(env), services, logger: log.logger }),
    ).find((x) => x?.name === 'zalo');
    if (!r) throw new Error('the Zalo factory is not registered or stayed off');
    return r;
  };

  beforeAll(async () => {
    tmp = tempDir('hocvuso-zalo-server-');
    fake = await startFakeZalo({ appSecret: APP_SECRET, refreshToken: 'first-refresh-token', displayName: 'Hùng' });
    services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'hocvuso.db') }, systemClock);
    env = {
      ZALO_APP_ID: APP_ID,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_APP_SECRET: APP_SECRET,
      ZALO_REFRESH_TOKEN: 'first-refresh-token',
      ZALO_API_BASE: fake.url,
      ZALO_OAUTH_BASE: fake.url,
    };
    runtime = zaloRuntime();
    server = await startServer(services, log.logger, [runtime]);
    await runtime.start();
  }, 30_000);

  afterAll(async () => {
    await runtime?.stop();
    await server?.stop();
    services?.close();
    await fake?.close();
    tmp?.cleanup();
  });

  /** Waits until every delivery so far is handled (its replies were sent by then). */
  const settled = (): Promise<void> => (runtime as ZaloChannel).idle();

  async function turn(d: SignedDelivery): Promise<{ result: string; texts: string[] }> {
    const before = fake.sends.length;
    const res = await fetch(`http://127.0.0.1:${server.port}/webhooks/zalo`, {
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

    const citizen = services.citizens.findByIdentity({ channel: 'zalo', userId: USER });
    expect(services.attempts.results(citizen?.id ?? '').find((r) => r.quizId === quiz.id)?.firstPassedAt).toBeDefined();
    const store = new SqliteZaloStore(services.db, services.config.COMMUNE_ID, APP_ID);
    expect(fake.refreshes).toBe(1);
    expect(store.tokens()).toMatchObject({ accessToken: fake.accessToken, refreshToken: 'refresh-1' });
    expect(store.counts().sent).toBe(fake.sends.length);
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
