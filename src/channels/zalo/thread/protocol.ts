/**
 * @module channels/zalo/thread/protocol
 *
 * The messages between the thread that answers Zalo's webhook and the thread
 * that handles the events (ZALO_HANDLER_THREADS=1). Both sides are this
 * program, so the types are the contract; nothing here comes from outside.
 */
import type { Config } from '../../../config.js';
import type { Accepted } from '../webhook.js';

/** What the handling thread is started with. */
export interface WorkerInit {
  /** The service's parsed settings, so both threads use the same database, knowledge and commune. */
  readonly config: Config;
  /** The environment the service was started with (the thread reads the Zalo settings from it). */
  readonly env: Record<string, string | undefined>;
}

export type ToWorker = { readonly type: 'event'; readonly accepted: Accepted } | { readonly type: 'stop' };

export type FromWorker =
  | { readonly type: 'ready' }
  /** Keys whose handling finished, batched per event-loop turn. */
  | { readonly type: 'handled'; readonly keys: readonly string[] }
  | { readonly type: 'failed'; readonly message: string }
  /** One log line (pino JSON), written by the answering thread's logger so there is one log. */
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'stopped' };
