/**
 * @module channels/telegram/dedupe
 *
 * Telegram delivers at least once: a webhook that answered late, a crash
 * during long polling or a restart replays updates. Each update id is claimed
 * in the store before anything is handled, so a replay is dropped before it
 * can answer twice. Claiming first (not after) means an update that failed
 * half-way is not retried; the error boundary has already apologised and the
 * engine's own checks keep a half-recorded quiz answer consistent.
 *
 * With a write scope, the claim joins the loop turn's group commit, so the
 * claim and the engine's turn are committed together (before any reply goes
 * out), and a crash loses both or neither: a redelivery after a lost turn is
 * handled afresh rather than dropped. The update is acknowledged only once
 * its claim is committed.
 */
import type { Context, MiddlewareFn } from 'grammy';
import type { Clock } from '../../core/ports.js';
import type { Logger } from '../../logger.js';
import type { WriteScope } from '../../storage/sqlite/writeScope.js';
import type { TelegramStore } from './store.js';

export function dedupe(store: TelegramStore, clock: Clock, logger: Logger, writes?: WriteScope): MiddlewareFn<Context> {
  return async (ctx, next) => {
    writes?.join();
    if (!(await store.claimUpdate(ctx.update.update_id, clock.now()))) {
      logger.debug({ update_id: ctx.update.update_id }, 'telegram: redelivered update skipped');
      return;
    }
    await next();
    await writes?.settled();
  };
}
