/**
 * @module channels/telegram/features/membership
 *
 * Telegram tells the bot when a user blocks or unblocks it (and when it is
 * removed from a group) through `my_chat_member`. Recording that at once
 * means later sends (reminders, staff replies) skip the chat instead of
 * collecting 403s; the send path records the same on its first 403.
 */
import { Composer, type Context } from 'grammy';
import type { FeatureDeps } from './deps.js';

export function membershipFeature(deps: Pick<FeatureDeps, 'store' | 'clock' | 'logger'>): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('my_chat_member', async (ctx) => {
    const update = ctx.myChatMember;
    const status = update.new_chat_member.status;
    if (status === 'kicked' || status === 'left') {
      await deps.store.markInactive(update.chat.id, `my_chat_member:${status}`, deps.clock.now());
      deps.logger.info({ chatType: update.chat.type, status }, 'telegram: bot removed or blocked');
    } else if (status === 'member' || status === 'administrator') {
      await deps.store.markActive(update.chat.id);
    }
  });
  return composer;
}
