/**
 * A crash between a turn's commit and its send, for each channel (issue 18):
 * a child process handles one turn through the real channel code until its
 * replies are committed in the outbox and the send has not reached the
 * platform, and is killed with SIGKILL. The restarted service then owes the
 * reply and delivers it: once for Telegram (the redelivered update is a
 * duplicate, nothing is sent twice) and for the web (the visitor's next answer
 * carries it, once), at least once for Zalo (its API has no idempotency key:
 * the attempt that was under way is sent again, and the log says so). On
 * SQLite or PostgreSQL (test/testService.ts): the child runs the channel code
 * npm start runs on that database (test/fixtures/turnCrashChild.ts), the
 * service of the test takes over after the kill.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebChat } from '../../src/channels/web/chatApi.js';
import { loadTelegramConfig } from '../../src/channels/telegram/config.js';
import { DEFAULT_LEASE_MS } from '../../src/channels/sharedDispatcher.js';
import { zaloTestConfig } from '../fixtures/zalo.js';
import { firstLineOf, fixedClock, memoryLogger, tempDir } from '../helpers.js';
import { testService, type TestService } from '../testService.js';
import { recordSends } from './zaloHarness.js';
import { BOT_INFO, FakeBotApi, TEST_TOKEN, textUpdate } from './telegramFixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs the child until its one line, then kills it with SIGKILL; returns the line. */
async function crashAfterCommit(env: Record<string, string>): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'fixtures', 'turnCrashChild.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const line = await firstLineOf(child);
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return JSON.parse(line) as Record<string, unknown>;
}

describe('killed between a turn’s commit and its send', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: TestService;
  /** Names the service's database (and the install's key file) to the child. */
  let database: Record<string, string>;

  beforeEach(async () => {
    tmp = tempDir('hocvuso-turn-crash-');
    // One key file for the service and the child: a Zalo token the child seals opens in the service.
    const keyFile = join(tmp.dir, 'secrets.key');
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    // The index is built here, so the child only loads it.
    services = await testService({ env: { SECRETS_KEY_FILE: keyFile } });
    const { DATABASE_URL: url, DATABASE_PATH: path } = services.config;
    database = {
      ...(url !== undefined ? { DATABASE_URL: url, COMMUNE_ID: services.communeId } : { DATABASE_PATH: path }),
      SECRETS_KEY_FILE: keyFile,
    };
  });

  afterEach(async () => {
    await services?.close();
    nock.cleanAll();
    tmp.cleanup();
  });

  /**
   * The clock of the service that takes over: past the child's commit (its
   * rows are due from then) and past the lease a claim holds other processes
   * off a row (PostgreSQL's shared outbox, sharedDispatcher.ts), as a
   * restarted process meets them.
   */
  const afterTheCrash = () => fixedClock(new Date(Date.now() + 1000 + DEFAULT_LEASE_MS).toISOString());

  it('web: the visitor’s next answer carries the reply the crash kept from them, once', async () => {
    const session = 'crash-session-0000000000';
    expect(await crashAfterCommit({ CRASH_CHANNEL: 'web', CRASH_USER: session, ...database })).toMatchObject({
      queued: 1,
    });
    const chat = createWebChat(services.webTurns);
    const first = await chat({ user: 'x', text: 'cảm ơn' }, { sessionId: session });
    const texts = first.body.replies.map((r) => r.text);
    // The welcome menu owed from before the crash, then this turn's answer.
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^Xin chào bà con!/);
    const second = await chat({ user: 'x', text: 'cảm ơn' }, { sessionId: session });
    expect(second.body.replies.map((r) => r.text)).toEqual([texts[1]]);
  }, 90_000);

  it('telegram: the reply goes out once after the restart, and the redelivered update is not answered again', async () => {
    const userId = 7_400_001;
    const updateId = 5_400_001;
    const env = { CRASH_CHANNEL: 'telegram', CRASH_USER: String(userId), CRASH_UPDATE_ID: String(updateId) };
    expect(await crashAfterCommit({ ...env, ...database })).toMatchObject({ calling: 'sendMessage' });

    const api = new FakeBotApi();
    const config = loadTelegramConfig({
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'https://xa-hungchau.example.vn',
      TELEGRAM_WEBHOOK_SECRET: 'crash_secret',
    });
    if (!config) throw new Error('config expected');
    const { logger, lines } = memoryLogger();
    // The channel npm start runs on this database, built after the crash.
    const runtime = services.telegramRuntime(config, {
      logger,
      clock: afterTheCrash(),
      bot: { botInfo: BOT_INFO, transport: api.transport },
    });
    await runtime.flushDue();
    const sent = (): string[] => api.calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.payload.text));
    expect(sent()).toHaveLength(1);
    expect(sent()[0]).toMatch(/^Xin chào bà con!/);
    expect(lines.join('')).toContain('the resident may see it twice');

    // Telegram never got its 200, so it delivers the update again: recognised, nothing is sent twice.
    await runtime.bot.handleUpdate(textUpdate(userId, '/start', { updateId }));
    await runtime.flushDue();
    expect(sent()).toHaveLength(1);
  }, 90_000);

  it('zalo: the reply goes out after the restart (at least once), and the event is not handled again', async () => {
    const resident = '5000000000000000777';
    const msgId = 'crashmsg000001';
    const env = { CRASH_CHANNEL: 'zalo', CRASH_USER: resident, CRASH_MSG_ID: msgId };
    expect(await crashAfterCommit({ ...env, ...database })).toMatchObject({
      status: 200,
      calling: 'message/cs',
    });

    const { sent } = recordSends();
    const { logger, lines } = memoryLogger();
    // The channel npm start runs on this database, built after the crash.
    const channel = services.zaloChannelWith({
      config: zaloTestConfig(),
      logger,
      maxBodyBytes: services.config.MAX_BODY_BYTES,
      clock: afterTheCrash(),
      timers: false,
      retry: { attempts: 1, delaysMs: [0] },
    });
    await channel.start();
    await channel.tick();
    expect(sent.map((s) => s.userId)).toEqual([resident]);
    expect(sent[0]?.text.length).toBeGreaterThan(0);
    expect(lines.join('')).toContain('the resident may see it twice');
    expect(await channel.store.counts()).toMatchObject({ pending: 0, sent: 1 });
    await channel.stop();
  }, 90_000);
});
