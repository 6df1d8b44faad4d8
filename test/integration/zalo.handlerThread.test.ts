/**
 * The handling thread's keeper (HandlerThread) with a small stand-in worker:
 * it waits for "ready", relays handled keys and log lines, restarts a thread
 * that died and hands over again (onReady), and reports a thread that cannot
 * start with its own reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HandlerThread } from '../../src/channels/zalo/thread/handlerThread.js';
import type { Accepted } from '../../src/channels/zalo/webhook.js';
import { memoryLogger, testConfig } from '../helpers.js';

/** A worker that reports every event done at once, and dies on the event keyed "die". */
const ECHO = `
import { parentPort } from 'node:worker_threads';
parentPort.on('message', (m) => {
  if (m.type === 'stop') { parentPort.postMessage({ type: 'stopped' }); parentPort.close(); return; }
  if (m.accepted.key === 'die') process.exit(3);
  parentPort.postMessage({ type: 'log', line: JSON.stringify({ level: 40, msg: 'handled ' + m.accepted.key, thread: 'stand-in' }) });
  parentPort.postMessage({ type: 'handled', keys: [m.accepted.key] });
});
parentPort.postMessage({ type: 'ready' });
`;
const FAILING = `
import { parentPort } from 'node:worker_threads';
parentPort.postMessage({ type: 'failed', message: 'không mở được cơ sở dữ liệu' });
parentPort.close();
`;
const url = (source: string): URL => new URL(`data:text/javascript,${encodeURIComponent(source)}`);
const event = (key: string): Accepted => ({ event: { kind: 'follow', userId: 'u1' }, key });

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('HandlerThread', () => {
  const running: HandlerThread[] = [];
  afterEach(async () => {
    for (const t of running.splice(0)) await t.stop();
  });

  it('hands events over, relays what is done, and starts a dead thread again', async () => {
    const { logger, lines } = memoryLogger();
    const handled: string[] = [];
    let readies = 0;
    const thread = new HandlerThread({
      init: { config: testConfig(), env: {} },
      logger,
      onHandled: (keys) => handled.push(...keys),
      onReady: () => (readies += 1),
      restartDelayMs: 10,
      workerUrl: url(ECHO),
    });
    running.push(thread);
    expect(thread.dispatch(event('early'))).toBe(false);
    await thread.start();
    expect(readies).toBe(1);
    expect(thread.dispatch(event('a'))).toBe(true);
    await until(() => handled.includes('a'));
    expect(lines.some((l) => l.includes('"msg":"handled a"') && l.includes('"thread":"stand-in"'))).toBe(true);

    thread.dispatch(event('die'));
    await until(() => readies === 2);
    expect(lines.some((l) => l.includes('zalo handling thread exited; starting it again'))).toBe(true);
    expect(thread.dispatch(event('b'))).toBe(true);
    await until(() => handled.includes('b'));
    expect(handled).toEqual(['a', 'b']);
  });

  it("rejects a thread that cannot start with the thread's own reason, and does not loop on it", async () => {
    const { logger, lines } = memoryLogger();
    const thread = new HandlerThread({
      init: { config: testConfig(), env: {} },
      logger,
      restartDelayMs: 1,
      onHandled: () => undefined,
      onReady: () => undefined,
      workerUrl: url(FAILING),
    });
    await expect(thread.start()).rejects.toThrow(/không mở được cơ sở dữ liệu/);
    await new Promise((r) => setTimeout(r, 100));
    expect(lines.filter((l) => l.includes('starting it again'))).toEqual([]);
  });
});
