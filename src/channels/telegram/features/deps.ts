/**
 * @module channels/telegram/features/deps
 *
 * What every Telegram feature is given: the store that remembers and the
 * delivery (delivery.ts) that runs a turn with its replies queued and then
 * sends what is owed, on SQLite or PostgreSQL alike. Passed in explicitly by
 * `bot.ts`; no feature reaches for a global, and none sends a reply itself.
 */
import type { OutgoingReply } from '../../../core/messages.js';
import type { Logger } from '../../../logger.js';
import type { TelegramDelivery, TelegramTurn } from '../delivery.js';
import type { SendDeps } from '../send.js';
import { SOMETHING_WENT_WRONG } from '../texts.js';

export interface FeatureDeps extends SendDeps {
  readonly delivery: TelegramDelivery;
  readonly logger: Logger;
}

/**
 * Runs one turn (its replies queued in its commit), then delivers what is
 * owed to the resident; `active` (a private chat) loses its inactive mark
 * first, or in the turn's commit when the delivery does that. `claim` is the update's id: a redelivered update is
 * recognised and nothing is sent twice.
 */
export async function runTurn(deps: FeatureDeps, turn: Omit<TelegramTurn, 'onError'>): Promise<void> {
  if (turn.active !== undefined && !deps.delivery.marksActive) await deps.store.markActive(turn.active);
  await deps.delivery.turn({
    ...turn,
    onError: (err): OutgoingReply[] => {
      deps.logger.error({ err }, 'telegram: engine failed');
      return [{ kind: 'error', text: SOMETHING_WENT_WRONG }];
    },
  });
  await deps.delivery.deliver(turn.userId);
}
