/**
 * @module channels/zalo/bot/polling
 *
 * Long polling for the Bot Platform when no webhook is configured: one
 * getUpdates at a time, each update handed over as it arrives, and a growing
 * pause after failures so an outage or a bad token does not spin. Stopping
 * aborts the poll in flight.
 */
import type { Logger } from '../../../logger.js';
import type { ZaloBotClient } from './client.js';

export interface PollingDeps {
  readonly client: Pick<ZaloBotClient, 'getUpdates'>;
  readonly onUpdate: (update: unknown) => void | Promise<void>;
  readonly logger: Logger;
  readonly timeoutSeconds?: number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export function startPolling(deps: PollingDeps): { stop(): Promise<void> } {
  const controller = new AbortController();
  const sleep = deps.sleep ?? abortableSleep;
  const loop = (async () => {
    let pause = 1000;
    while (!controller.signal.aborted) {
      try {
        const updates = await deps.client.getUpdates(deps.timeoutSeconds ?? 30, controller.signal);
        for (const u of updates) await deps.onUpdate(u);
        pause = 1000;
      } catch (err) {
        if (controller.signal.aborted) break;
        deps.logger.warn(
          { err: err instanceof Error ? err.message : String(err), retryInMs: pause },
          'zalo bot poll failed',
        );
        await sleep(pause, controller.signal);
        pause = Math.min(pause * 2, 30_000);
      }
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}
