/**
 * @module channels/zalo/thread/worker
 *
 * The Zalo handling thread (ZALO_HANDLER_THREADS=1): its own connection to the
 * commune's database, its own engine over the same knowledge index and quiz
 * banks, and the Zalo channel without a webhook. Events come from the thread
 * that answered Zalo; each finished one is reported back (a batch per loop
 * turn) so that thread can mark it done in its inbox. Replies, retries, the
 * token refresh and pruning all happen here, as they would in one thread.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../../../logger.js';
import { createServices, systemClock, type Services } from '../../../services.js';
import { createZaloChannel, type ZaloChannel } from '../channel.js';
import { loadZaloConfig } from '../config.js';
import { proxyConfigured } from '../http.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';

/**
 * No acknowledgement waits on this thread, so it can start many handlings
 * per loop turn: they share one commit, which is what makes it fast.
 */
const PER_TURN = 64;

/**
 * nice 10. bench:zalo at 1,500 events/s, same hour, 2-core VM: acknowledgement
 * p50 0.8–1.1 ms with it against 1.2–1.6 ms without (p95 3.0–7.7 against 6.8–13.7 ms).
 */
const HANDLER_NICE = 10;

/**
 * Lowers this thread's OS priority (Linux; elsewhere nothing happens). When
 * both cores are busy, the thread that answers Zalo, the web chat and
 * Telegram then gets the CPU first, and this one takes what is left: an
 * acknowledgement waits less, handling only a little longer.
 */
function yieldToAnsweringThread(nice: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // Not Linux, or not allowed: same priority as the answering thread.
  }
}
yieldToAnsweringThread(HANDLER_NICE);

const port = parentPort;
if (!port) throw new Error('channels/zalo/thread/worker runs only as a worker thread');

const post = (m: FromWorker): void => port.postMessage(m);

let handled: string[] = [];

function flushHandled(): void {
  if (handled.length === 0) return;
  const keys = handled;
  handled = [];
  post({ type: 'handled', keys });
}

/** Reports finished keys once per loop turn rather than one message each. */
function reportHandled(key: string): void {
  if (handled.length === 0) setImmediate(flushHandled);
  handled.push(key);
}

async function start(): Promise<{ services: Services; channel: ZaloChannel }> {
  const { config, env } = workerData as WorkerInit;
  const zalo = loadZaloConfig(env);
  if (zalo?.ZALO_MODE !== 'oa') throw new Error('the Zalo handling thread needs ZALO_MODE=oa');
  const logger = createLogger(config.LOG_LEVEL, { write: (line: string) => post({ type: 'log', line }) }).child({
    thread: 'zalo-handler',
  });
  // The answering thread already reported what loading the commune file and the knowledge folder found;
  // here only errors are worth a second line.
  const services = createServices(config, logger.child({}, { level: 'error' }));
  try {
    // The answering thread indexed the knowledge folder already; this only loads the index and quiz banks.
    await services.load();
    const channel = createZaloChannel({
      config: zalo,
      engine: services.turnEngine,
      db: services.db,
      writes: services.writes,
      communeId: config.COMMUNE_ID,
      logger,
      maxBodyBytes: config.MAX_BODY_BYTES,
      clock: systemClock,
      envProxy: proxyConfigured(env),
      webhook: false,
      onHandled: reportHandled,
      perTurn: PER_TURN,
    });
    await channel.start();
    return { services, channel };
  } catch (err) {
    services.close();
    throw err;
  }
}

try {
  const { services, channel } = await start();
  port.on('message', (m: ToWorker) => {
    if (m.type === 'event') {
      channel.accept(m.accepted);
      return;
    }
    void channel
      .stop()
      .finally(() => {
        services.close();
        flushHandled();
        post({ type: 'stopped' });
        port.close();
      })
      .catch(() => undefined);
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  port.close();
}
