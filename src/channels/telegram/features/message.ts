/**
 * @module channels/telegram/features/message
 *
 * Text, commands and media in private chats and groups: mapped by
 * `inbound.ts`, decided by the engine, sent by `send.ts`. A private message
 * also proves the learner has not blocked the bot (any more).
 */
import { Composer, type Context } from 'grammy';
import { inboundOf, turnUserId } from '../inbound.js';
import { sendReplies, type ReplyTarget } from '../send.js';
import type { FeatureDeps } from './deps.js';

export function messageFeature(deps: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message', async (ctx) => {
    const inbound = inboundOf(ctx.msg, { id: ctx.me.id, username: ctx.me.username });
    if (inbound.kind === 'ignore') return;
    const isPrivate = ctx.chat.type === 'private';
    if (isPrivate) await deps.store.markActive(ctx.chat.id);
    const target: ReplyTarget = {
      chatId: ctx.chat.id,
      userId: turnUserId(inbound.kind === 'engine' ? inbound.choice : undefined, ctx.chat.id, isPrivate, ctx.from.id),
      isPrivate,
      botUsername: ctx.me.username,
    };
    const replies =
      inbound.kind === 'reply'
        ? [{ kind: 'notice' as const, text: inbound.text }]
        : await deps.engine.handle({
            channel: 'telegram',
            userId: target.userId,
            text: inbound.text,
            choice: inbound.choice,
            chat: isPrivate ? 'private' : 'group',
          });
    await sendReplies(ctx.api, target, replies, deps);
  });
  return composer;
}
