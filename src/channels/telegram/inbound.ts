/**
 * @module channels/telegram/inbound
 *
 * A Telegram message as what the engine should see: typed text, a choice (a
 * slash command is just a shortcut to one of the engine's choices), a reply
 * the adapter gives itself (stickers, unknown commands), or nothing (a group
 * conversation not addressed to the bot). Pure, so every case is tested
 * without a bot. No quiz or Q&A logic here; personal requests made in a group
 * are refused by the engine, which is told the chat is a group.
 */
import type { Message, MessageEntity } from 'grammy/types';
import { HANDOFF_ASK } from '../../core/handoff/intent.js';
import { GROUP_QUIZ_LIST, isGroupQuizChoice } from '../../core/quiz/groupQuiz.js';
import { LINK_CODE_PATTERN } from '../../core/random.js';
import { STATS_BOARD, STATS_TODAY } from '../../core/stats/feature.js';
import * as T from './texts.js';

export type Inbound =
  | { readonly kind: 'engine'; readonly text?: string; readonly choice?: string }
  | { readonly kind: 'reply'; readonly text: string }
  | { readonly kind: 'ignore' };

export interface BotIdentity {
  readonly id: number;
  readonly username: string;
}

const MEDIA_KEYS = [
  'photo',
  'video',
  'voice',
  'audio',
  'document',
  'sticker',
  'animation',
  'video_note',
  'location',
  'venue',
  'contact',
  'poll',
  'dice',
  'story',
] as const;

const ignore: Inbound = { kind: 'ignore' };
const groupOnly: Inbound = { kind: 'reply', text: T.GROUP_QUIZ_IN_GROUP };
const choose = (choice: string): Inbound => ({ kind: 'engine', choice });

function asLinkCode(arg: string): string | undefined {
  // "X6D 99Y": a code copied in two halves is still the code.
  const code = arg.replace(/[\s.-]/g, '').toUpperCase();
  return LINK_CODE_PATTERN.test(code) ? code : undefined;
}

function isMe(entity: MessageEntity, text: string, me: BotIdentity): boolean {
  if (entity.type === 'mention') {
    return text.slice(entity.offset + 1, entity.offset + entity.length).toLowerCase() === me.username.toLowerCase();
  }
  return entity.type === 'text_mention' && entity.user.id === me.id;
}

/** The text with every mention of the bot cut out (offsets are UTF-16 units, as JS strings). */
function withoutMentions(text: string, entities: readonly MessageEntity[], me: BotIdentity): string {
  let out = text;
  for (const e of [...entities].filter((x) => isMe(x, text, me)).sort((a, b) => b.offset - a.offset)) {
    out = out.slice(0, e.offset) + out.slice(e.offset + e.length);
  }
  return out.replace(/^[\s,:]+/, '').trim();
}

/** A group message is for the bot when it mentions the bot or replies to one of its messages. */
function addressed(msg: Message, text: string, entities: readonly MessageEntity[], me: BotIdentity): boolean {
  return msg.reply_to_message?.from?.id === me.id || entities.some((e) => isMe(e, text, me));
}

function command(name: string, arg: string): Inbound {
  switch (name) {
    case 'start': {
      const code = asLinkCode(arg);
      return code ? { kind: 'engine', text: `liên kết ${code}` } : choose('menu:start');
    }
    case 'quiz':
      return choose('quiz:list');
    case 'ketqua':
      return choose('me:results');
    case 'hoi':
      return arg ? { kind: 'engine', text: arg } : { kind: 'reply', text: T.ASK_HINT };
    case 'lienket': {
      const code = asLinkCode(arg);
      return code ? { kind: 'engine', text: `liên kết ${code}` } : choose('me:link');
    }
    case 'xoadulieu':
      return choose('me:delete');
    case 'nguoi':
      return choose(HANDOFF_ASK);
    case 'help':
    case 'trogiup':
      return choose('menu:help');
    case 'quiznhom':
      return choose(GROUP_QUIZ_LIST);
    case 'bangxephang':
      return choose(STATS_BOARD);
    case 'thongke':
      return choose(STATS_TODAY);
    case 'canbo':
      // A staff member's code from the console: the engine reads it (and answers the how-to without one).
      return { kind: 'engine', text: `/canbo ${arg}`.trim() };
    default:
      return { kind: 'reply', text: T.UNKNOWN_COMMAND };
  }
}

/**
 * Whose turn a choice is: a group quiz belongs to the group (one state for
 * everyone in it, so two people pressing "next" move it on once); everything
 * else to the person who wrote or pressed.
 */
export function turnUserId(choice: string | undefined, chatId: number, isPrivate: boolean, fromId: number): string {
  return !isPrivate && choice !== undefined && isGroupQuizChoice(choice) ? `group:${chatId}` : String(fromId);
}

/** Maps one incoming message (private chat or group) to what the adapter should do with it. */
export function inboundOf(msg: Message, me: BotIdentity): Inbound {
  const isPrivate = msg.chat.type === 'private';
  const raw = msg.text;
  const entities = msg.entities ?? [];
  if (raw === undefined) {
    const isMedia = MEDIA_KEYS.some((k) => k in msg);
    const forMe = isPrivate || addressed(msg, msg.caption ?? '', msg.caption_entities ?? [], me);
    return isMedia && forMe ? { kind: 'reply', text: T.MEDIA_NOT_READ } : ignore;
  }

  const first = entities[0];
  if (first?.type === 'bot_command' && first.offset === 0) {
    const [, name = '', target] = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?/.exec(raw.slice(0, first.length)) ?? [];
    if (target !== undefined && target.toLowerCase() !== me.username.toLowerCase()) return ignore;
    const arg = raw.slice(first.length).normalize('NFC').trim();
    const inbound = command(name.toLowerCase(), arg);
    if (isPrivate) return inbound.kind === 'engine' && inbound.choice === GROUP_QUIZ_LIST ? groupOnly : inbound;
    // In a group, an unknown bare command may well be meant for another bot.
    if (target === undefined && inbound.kind === 'reply' && inbound.text === T.UNKNOWN_COMMAND) return ignore;
    return inbound;
  }

  if (isPrivate) return { kind: 'engine', text: raw.normalize('NFC').trim() };
  if (!addressed(msg, raw, entities, me)) return ignore;
  return { kind: 'engine', text: withoutMentions(raw, entities, me).normalize('NFC').trim() };
}
