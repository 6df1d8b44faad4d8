/**
 * @module channels/telegram/features/message
 *
 * Text, commands and media in private chats and groups: mapped by
 * `inbound.ts`, decided by the engine in one turn, delivered through the
 * outbox. A private message also proves the learner has not blocked the bot
 * (any more).
 */
import { Composer, type Context } from 'grammy';
import { inboundOf, turnUserId } from '../inbound.js';
import { replyRows, type ReplyTarget } from '../send.js';
import { runTurn, type FeatureDeps } from './deps.js';

export function messageFeature(deps: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message', async (ctx) => {
    const inbound = inboundOf(ctx.msg, { id: ctx.me.id, username: ctx.me.username });
    if (inbound.kind === 'ignore') return;
    const isPrivate = ctx.chat.type === 'private';
    const target: ReplyTarget = {
      chatId: ctx.chat.id,
      userId: turnUserId(inbound.kind === 'engine' ? inbound.choice : undefined, ctx.chat.id, isPrivate, ctx.from.id),
      isPrivate,
      botUsername: ctx.me.username,
    };
    // The claim commits with the turn's state: a redelivery never reaches the engine again.
    await runTurn(deps, {
      claim: `telegram:${ctx.update.update_id}`,
      ...(isPrivate && { active: ctx.chat.id }),
      userId: target.userId,
      render: (replies) => replyRows(target, replies),
      ...(inbound.kind === 'reply'
        ? { replies: [{ kind: 'notice' as const, text: inbound.text }] }
        : {
            message: {
              channel: 'telegram',
              userId: target.userId,
              text: inbound.text,
              choice: inbound.choice,
              chat: isPrivate ? 'private' : 'group',
            },
          }),
    });
  });
  return composer;
}
