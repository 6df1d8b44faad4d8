/**
 * The fake Telegram Bot API both sides of `bench:telegram` use: it answers
 * calls like Telegram (a message id for each message sent) and keeps, per
 * chat, what the learner was shown since it last looked, buttons included.
 */
import { BOT_INFO } from '../../test/integration/telegramFixtures.js';

export interface Shown {
  readonly messageId: number;
  readonly text: string;
  readonly buttons: readonly { label: string; data: string }[];
  readonly markup?: unknown;
}

export class RecordingBotApi {
  calls = 0;
  /** Told of every message shown (sent or edited), as it is recorded. */
  onShown?: (chatId: number, shown: Shown, method: string) => void;
  private nextId = 1;
  private readonly shown = new Map<number, Shown[]>();

  /** The result Telegram would give for `method` called with `payload`. */
  handle(method: string, payload: Record<string, unknown>): unknown {
    this.calls++;
    const chatId = Number(payload.chat_id);
    const chat = { id: chatId, type: 'private', first_name: 'Lan' };
    if (method === 'sendMessage' || method === 'editMessageText') {
      const markup = payload.reply_markup as
        { inline_keyboard: { text: string; callback_data: string }[][] } | undefined;
      const messageId = method === 'sendMessage' ? this.nextId++ : Number(payload.message_id);
      const buttons = (markup?.inline_keyboard ?? []).flat().map((b) => ({ label: b.text, data: b.callback_data }));
      const list = this.shown.get(chatId) ?? [];
      const shown: Shown = { messageId, text: String(payload.text), buttons, markup };
      list.push(shown);
      this.shown.set(chatId, list);
      this.onShown?.(chatId, shown, method);
      return { message_id: messageId, date: 1_764_576_000, chat, text: payload.text };
    }
    // A bot started as a process (not given its identity) asks who it is first.
    if (method === 'getMe') return BOT_INFO;
    return true;
  }

  /** What the chat was shown since the last call, oldest first. */
  take(chatId: number): Shown[] {
    const list = this.shown.get(chatId) ?? [];
    this.shown.delete(chatId);
    return list;
  }
}
