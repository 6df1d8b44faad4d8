/**
 * @module channels/zalo/thread/handlerThread
 *
 * Runs the Zalo handling thread (worker.ts) for the thread that answers the
 * webhook: starts it and waits until it can take events, hands it each
 * accepted event, and hears back which ones are done. If the thread dies, it
 * is started again after a pause and every event the inbox still holds as
 * not done is handed over again (the thread answers each one once: see
 * storage/sqlite/zaloInbox). Events accepted while it restarts simply wait
 * in the inbox.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../../logger.js';
import type { Accepted } from '../webhook.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';

const WORKER_URL = new URL('./worker.mjs', import.meta.url);
/** How long a stopping thread may take to finish what it is handling. */
const STOP_TIMEOUT_MS = 8_000;

export interface HandlerThreadDeps {
  readonly init: WorkerInit;
  readonly logger: Logger;
  /** Told the keys the thread finished. */
  readonly onHandled: (keys: readonly string[]) => void;
  /** Called each time a (re)started thread is ready: hand over what is still waiting. */
  readonly onReady: () => void;
  readonly restartDelayMs?: number;
  /** The thread's entry (tests run a small stand-in). */
  readonly workerUrl?: URL;
}

const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** Writes a line the handling thread logged (already redacted there) through this thread's logger. */
function relayLog(logger: Logger, line: string): void {
  try {
    const { level, msg, time: _time, ...fields } = JSON.parse(line) as Record<string, unknown>;
    const method = LEVELS[typeof level === 'number' ? level : 30] ?? 'info';
    logger[method](fields, typeof msg === 'string' ? msg : '');
  } catch {
    logger.warn('zalo handling thread wrote a log line that is not JSON');
  }
}

export class HandlerThread {
  private worker: Worker | undefined;
  private ready = false;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: HandlerThreadDeps) {}

  /** Starts the thread; rejects with the thread's own reason if it cannot start. */
  async start(): Promise<void> {
    this.stopping = false;
    await this.spawn();
  }

  /** Hands an event over; false while no thread is ready (it stays in the inbox until one is). */
  dispatch(accepted: Accepted): boolean {
    if (!this.worker || !this.ready) return false;
    this.worker.postMessage({ type: 'event', accepted } satisfies ToWorker);
    return true;
  }

  /** Lets the thread finish what it is handling, then ends it. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' } satisfies ToWorker);
    const timer = setTimeout(() => {
      this.deps.logger.warn('zalo handling thread did not stop in time; ending it');
      void worker.terminate();
    }, STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    this.worker = undefined;
    this.ready = false;
  }

  private spawn(): Promise<void> {
    const worker = new Worker(this.deps.workerUrl ?? WORKER_URL, { workerData: this.deps.init });
    this.worker = worker;
    this.ready = false;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let wasReady = false;
      worker.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            this.ready = true;
            wasReady = true;
            settled = true;
            resolve();
            this.deps.onReady();
            return;
          case 'handled':
            this.deps.onHandled(m.keys);
            return;
          case 'failed':
            if (!settled) {
              settled = true;
              reject(new Error(`luồng xử lý Zalo không khởi động được: ${m.message}`));
            }
            return;
          case 'log':
            relayLog(this.deps.logger, m.line);
            return;
          case 'stopped':
            return;
        }
      });
      worker.on('error', (err) => {
        this.deps.logger.error({ err }, 'zalo handling thread failed');
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) {
          this.worker = undefined;
          this.ready = false;
        }
        if (!settled) {
          settled = true;
          reject(new Error(`luồng xử lý Zalo dừng khi đang khởi động (mã ${code})`));
          return;
        }
        // A thread that never became ready was reported by the rejection above; whoever started it decides.
        if (this.stopping || !wasReady) return;
        this.deps.logger.error({ code }, 'zalo handling thread exited; starting it again');
        this.restartAfter(this.deps.restartDelayMs ?? 1_000);
      });
    });
  }

  /** Starts the thread again after `delayMs`, and keeps trying (pausing up to a minute) while it fails. */
  private restartAfter(delayMs: number): void {
    if (this.stopping) return;
    this.restartTimer = setTimeout(() => {
      this.spawn().catch((err: unknown) => {
        this.deps.logger.error({ err }, 'zalo handling thread could not start again; will retry');
        this.restartAfter(Math.min(60_000, delayMs * 2));
      });
    }, delayMs);
    this.restartTimer.unref();
  }
}
