/**
 * @module channels/telegram/features/deps
 *
 * What every Telegram feature is given: the turn runner that decides and
 * commits, the store that remembers, Telegram's rows of the outbox and the
 * dispatcher that delivers them. Passed in explicitly by `bot.ts`; no feature
 * reaches for a global, and none sends a reply itself.
 */
import type { OutgoingReply } from '../../../core/messages.js';
import type { OutboxStore } from '../../../core/stores/outbox.js';
import type { TurnRequest, TurnRunner } from '../../../core/stores/turns.js';
import type { Logger } from '../../../logger.js';
import type { Dispatcher } from '../../outbox.js';
import type { SendDeps, TelegramPayload } from '../send.js';
import { SOMETHING_WENT_WRONG } from '../texts.js';

export interface FeatureDeps extends SendDeps {
  readonly turns: TurnRunner;
  readonly outbox: OutboxStore<TelegramPayload>;
  readonly dispatcher: Dispatcher<TelegramPayload>;
  readonly logger: Logger;
}

/**
 * Runs one turn (its replies queued in its commit), then delivers what is
 * owed to the resident. `claim` is the update's id: a redelivered update is
 * recognised and nothing is sent twice.
 */
export async function runTurn(
  deps: FeatureDeps,
  turn: Omit<TurnRequest<TelegramPayload>, 'outbox' | 'onError'>,
): Promise<void> {
  await deps.turns.run({
    ...turn,
    outbox: deps.outbox,
    // They wrote, so they can be reached again: replies held when the bot was blocked go out, in order.
    alongside: () => {
      deps.outbox.release(turn.userId, deps.clock.now());
      turn.alongside?.();
    },
    onError: (err): OutgoingReply[] => {
      deps.logger.error({ err }, 'telegram: engine failed');
      return [{ kind: 'error', text: SOMETHING_WENT_WRONG }];
    },
  });
  await deps.dispatcher.flush(turn.userId);
}
