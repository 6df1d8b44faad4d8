/**
 * @module channels/telegram/render
 *
 * An `OutgoingReply` as Telegram messages: NFC text cut to Telegram's 4,096
 * characters (at a line or word break, buttons on the last part) and an inline
 * keyboard. Short labels share a row two by two; a long label (a quiz option,
 * an FAQ question) gets its own row so a phone shows it whole rather than
 * clipped in the middle.
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { OutgoingReply, ReplyButton } from '../../core/messages.js';

export const MAX_MESSAGE_CHARS = 4096;
/** Labels up to this many characters may share a row. */
const SHORT_LABEL_CHARS = 20;

export interface RenderedMessage {
  readonly text: string;
  readonly reply_markup?: InlineKeyboardMarkup;
}

/** Splits a text into parts of at most `max` characters, preferring line breaks, then spaces. */
export function splitText(text: string, max = MAX_MESSAGE_CHARS): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) cut = max;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/** Lays out buttons: short labels two to a row, long ones alone. */
export async function inlineKeyboard(
  buttons: readonly ReplyButton[],
  encode: (value: string) => Promise<string>,
): Promise<InlineKeyboardMarkup> {
  const rows: InlineKeyboardButton[][] = [];
  let open: InlineKeyboardButton[] | undefined;
  for (const b of buttons) {
    const text = b.label.normalize('NFC').trim() || '•';
    const button: InlineKeyboardButton = { text, callback_data: await encode(b.value) };
    if (text.length <= SHORT_LABEL_CHARS) {
      if (open) {
        open.push(button);
        open = undefined;
      } else {
        open = [button];
        rows.push(open);
      }
    } else {
      rows.push([button]);
      open = undefined;
    }
  }
  return { inline_keyboard: rows };
}

/** The messages that carry one reply; an empty text gets a placeholder (Telegram refuses empty messages). */
export async function renderReply(
  reply: OutgoingReply,
  encode: (value: string) => Promise<string>,
): Promise<RenderedMessage[]> {
  const parts = splitText(reply.text.normalize('NFC').trim() || '…');
  const keyboard = reply.buttons && reply.buttons.length > 0 ? await inlineKeyboard(reply.buttons, encode) : undefined;
  return parts.map((text, i) => (i === parts.length - 1 && keyboard ? { text, reply_markup: keyboard } : { text }));
}
