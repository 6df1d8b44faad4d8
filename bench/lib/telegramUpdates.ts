/**
 * The Telegram updates a bench resident sends: a text (a command gets its
 * `bot_command` entity, as Telegram marks it) or a button press on a message
 * the bot showed. One builder for bench:telegram and bench:scale, so both
 * send what Telegram sends.
 */
import { BOT_INFO } from '../../test/integration/telegramFixtures.js';

/** What the press was made on: the bot's message as the resident saw it. */
export interface PressedMessage {
  readonly messageId?: number | undefined;
  readonly text: string;
  readonly markup?: unknown;
}

/** A fixed date: the service reads no meaning into it. */
const DATE = 1_764_576_000;

export function telegramUpdate(
  updateId: number,
  learner: number,
  act: { kind: 'text'; text: string } | { kind: 'press'; on: PressedMessage; data: string },
): unknown {
  const chat = { id: learner, type: 'private', first_name: 'Lan' };
  const from = { id: learner, is_bot: false, first_name: 'Lan' };
  if (act.kind === 'press') {
    const on = { message_id: act.on.messageId, date: DATE, chat, from: BOT_INFO, text: act.on.text };
    return {
      update_id: updateId,
      callback_query: {
        id: `cb${updateId}`,
        from,
        chat_instance: 'ci',
        data: act.data,
        message: { ...on, reply_markup: act.on.markup },
      },
    };
  }
  const command = /^\/\w+/.exec(act.text)?.[0];
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: DATE,
      chat,
      from,
      text: act.text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
    },
  };
}
