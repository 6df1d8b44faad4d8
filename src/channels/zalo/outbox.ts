/**
 * @module channels/zalo/outbox
 *
 * Zalo's replies through the one outbox: the generic dispatcher
 * (channels/outbox.ts) over Zalo's rows and Zalo's sender (send.ts). Kept as
 * a name so the channel, the CLI and the tests build it in one call.
 */
import type { Clock, Random } from '../../core/ports.js';
import type { Logger } from '../../logger.js';
import { Dispatcher, type BackoffPolicy } from '../outbox.js';
import type { OutboundMessage } from './render.js';
import { zaloSender, type Transport } from './send.js';
import type { ZaloStore } from './store.js';
import type { WindowPolicy } from './window.js';

export { DEFAULT_BACKOFF, type BackoffPolicy } from '../outbox.js';
export type { Transport } from './send.js';

export interface OutboxDeps {
  readonly store: ZaloStore;
  readonly send: Transport;
  readonly window: WindowPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly backoff?: BackoffPolicy;
  readonly random?: Random;
}

export type Outbox = Dispatcher<OutboundMessage>;

export function createZaloOutbox(deps: OutboxDeps): Outbox {
  return new Dispatcher({
    store: deps.store.outbox,
    sender: zaloSender(deps),
    clock: deps.clock,
    logger: deps.logger,
    backoff: deps.backoff,
    random: deps.random,
  });
}
