/**
 * ZALO_HANDLER_THREADS=1 end to end: the real server answers Zalo and records
 * each delivery in the inbox file; the handling thread (a real worker with its
 * own connection and engine) replies through a fake Zalo on 127.0.0.1. A
 * resident completes a quiz; a redelivery is acknowledged and not answered
 * twice; a delivery left in the inbox when the service stopped is handled at
 * the next start; the thread's log lines arrive in the service's log.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_FACTORIES } from '../../src/channels/index.js';
import type { ChannelRuntime } from '../../src/channels/runtime.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { systemClock, type Services } from '../../src/services.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { INBOX_MIGRATIONS, inboxPathFor, SqliteZaloInbox } from '../../src/storage/sqlite/zaloInbox.js';
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

const USER = '7000000000000000001';
const LATE = '7000000000000000002';

describe('Zalo events handled on a second thread (ZALO_HANDLER_THREADS=1)', () => {
  let tmp: { dir: string; cleanup: () => void };
  let fake: FakeZalo;
  let services: Services;
  let server: RunningServer;
  let runtime: ChannelRuntime | undefined;
  let inboxDb: Db;
  const log = memoryLogger();
  let env: Record<string, string>;

  const zaloRuntime = (): ChannelRuntime => {
    const r = CHANNEL_FACTORIES.map((f) => f({ env, services, logger: log.logger })).find((x) => x?.name === 'zalo');
    if (!r) throw new Error('the Zalo factory is not registered or stayed off');
    return r;
  };

  beforeAll(async () => {
    tmp = tempDir('hocvuso-zalo-threaded-');
    fake = await startFakeZalo({ appSecret: APP_SECRET, refreshToken: 'first-refresh-token', displayName: 'Châu' });
    services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'hocvuso.db') }, systemClock);
    env = {
      ZALO_APP_ID: APP_ID,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_APP_SECRET: APP_SECRET,
      ZALO_REFRESH_TOKEN: 'first-refresh-token',
      ZALO_API_BASE: fake.url,
      ZALO_OAUTH_BASE: fake.url,
      ZALO_HANDLER_THREADS: '1',
    };
    runtime = zaloRuntime();
    server = await startServer(services, log.logger, [runtime]);
    await runtime.start();
    inboxDb = openDatabase(inboxPathFor(join(tmp.dir, 'hocvuso.db')), INBOX_MIGRATIONS);
  }, 30_000);

  afterAll(async () => {
    await runtime?.stop();
    await server?.stop();
    inboxDb?.close();
    services?.close();
    await fake?.close();
    tmp?.cleanup();
  });

  const waiting = (): number =>
    (inboxDb.prepare('SELECT COUNT(*) AS n FROM zalo_inbox WHERE handled_at IS NULL').get() as { n: number }).n;

  /** Waits until the handling thread has reported every delivery done (its replies were sent by then). */
  async function settled(): Promise<void> {
    const end = Date.now() + 10_000;
    while (waiting() > 0) {
      if (Date.now() > end) throw new Error('the handling thread did not finish in 10 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

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

  it('completes a quiz, with the deliveries in the inbox file and the tokens in the database', async () => {
    expect(existsSync(join(tmp.dir, 'hocvuso.zalo-inbox.db'))).toBe(true);
    const welcome = (await turn(signed(followEvent(USER, new Date())))).texts;
    expect(welcome[0]).toMatch(/^Xin chào Châu!/);
    expect(numberedOptions(welcome[0] ?? '')[0]).toBe('Làm bài kiểm tra');

    const quiz = services.quizzes.list()[0];
    if (!quiz) throw new Error('no quiz');
    const { consentOptions, last } = await typeThroughFirstQuiz(say, quiz);
    expect(consentOptions).toEqual(['Đồng ý', 'Bỏ qua']);
    expect(last.join('\n')).toMatch(/Chúc mừng, bà con đã đạt bài/);

    const citizen = services.citizens.findByIdentity({ channel: 'zalo', userId: USER });
    expect(services.attempts.results(citizen?.id ?? '').find((r) => r.quizId === quiz.id)?.firstPassedAt).toBeDefined();
    const store = new SqliteZaloStore(services.db, services.config.COMMUNE_ID, APP_ID);
    expect(fake.refreshes).toBe(1);
    expect(store.tokens()).toMatchObject({ accessToken: fake.accessToken, refreshToken: 'refresh-1' });
    expect(store.counts().sent).toBe(fake.sends.length);
    expect(log.lines.some((l) => l.includes('"thread":"zalo-handler"'))).toBe(true);
  });

  it('acknowledges a redelivered message without answering it again', async () => {
    const d = signed(textEvent(USER, '3', new Date(), 'msg-threaded-dup'));
    const first = await turn(d);
    expect(first.result).toBe('accepted');
    expect(first.texts.length).toBeGreaterThan(0);
    const again = await turn(d);
    expect(again).toEqual({ result: 'duplicate', texts: [] });
  });

  it('hands a delivery left in the inbox to the thread at the next start', async () => {
    await runtime?.stop();
    runtime = undefined;
    // Recorded and acknowledged, but the service stopped before the thread had it.
    new SqliteZaloInbox(inboxDb, services.config.COMMUNE_ID).receive(
      'msg:left-behind',
      LATE,
      JSON.stringify({ kind: 'text', userId: LATE, msgId: 'left-behind', text: 'xin chào' }),
      new Date(),
    );
    expect(waiting()).toBe(1);
    runtime = zaloRuntime();
    await runtime.start();
    await settled();
    expect(fake.sends.filter((s) => s.userId === LATE)).toHaveLength(1);
  });
});
