/**
 * @module channels/telegram/features/deps
 *
 * What every Telegram feature is given: the engine that decides, the store
 * that remembers, and how replies are sent. Passed in explicitly by
 * `bot.ts`; no feature reaches for a global.
 */
import type { Engine } from '../../../core/conversation/engine.js';
import type { Logger } from '../../../logger.js';
import type { SendDeps } from '../send.js';

export interface FeatureDeps extends SendDeps {
  readonly engine: Engine;
  readonly logger: Logger;
}
