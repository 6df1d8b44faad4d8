/**
 * @module channels/zalo/render
 *
 * Turns the engine's replies to one message into Zalo messages. The replies
 * of a turn (say, "✅ Chính xác!" and the next question) are read together,
 * so they go out as one message, split only where Zalo's length limit forces
 * it: one notification for the resident, one API call, and no half-delivered
 * turn if Zalo refuses the second of two sends. Consultation messages have no
 * confirmed buttons (facts §3), so the buttons become a short numbered list
 * and the resident types the number; the engine already maps a typed number
 * or option text to the button it last offered. Only the last reply's
 * buttons are listed, because only those are the ones the engine will match
 * a typed number against.
 *
 * With ZALO_BUTTON_TEMPLATES on, the same choice is also prepared as a button
 * template whose hidden payload is the number, so a pressed button and a
 * typed number reach the engine the same way; the plain text stays beside it
 * as the fallback if Zalo refuses the template.
 */
import type { OutgoingReply } from '../../core/messages.js';
import { CHOICES_HEADING, forTextOnly, hasNumberedLines, unnumberLines } from '../../core/conversation/textOnly.js';
import { splitText } from './split.js';
import { choiceHint } from './texts.js';

import type { OutboundMessage } from '../../core/stores/zalo.js';

export type { OutboundMessage, TemplateButton } from '../../core/stores/zalo.js';

export interface RenderOptions {
  /** Longest text Zalo accepts. */
  readonly limit: number;
  readonly buttonTemplates: boolean;
}

/** Official SDKs allow at most this many buttons; longer lists stay numbered text. */
export const MAX_TEMPLATE_BUTTONS = 4;
const MAX_BUTTON_TITLE = 100;

/** The numbered list and its hint, e.g. "1. Đồng ý\n2. Bỏ qua\n👉 Bà con gõ số 1 hoặc 2 để chọn." */
export function numberedList(labels: readonly string[]): string {
  return [...labels.map((l, i) => `${i + 1}. ${l}`), choiceHint(labels.length)].join('\n');
}

/** A text and its buttons as messages: the text split at the limit, the list kept whole with the last part. */
function renderOne(reply: Pick<OutgoingReply, 'text' | 'buttons'>, opts: RenderOptions): OutboundMessage[] {
  const labels = (reply.buttons ?? []).map((b) => b.label);
  const text = reply.text.trim();
  if (labels.length === 0) return splitText(text, opts.limit).map((t) => ({ text: t }));

  // The text's own "1. 2. 3." would read like the choices: write it "(1)" and head the choices.
  const numbered = hasNumberedLines(text);
  const body = numbered ? unnumberLines(text) : text;
  const list = numbered ? `${CHOICES_HEADING}\n${numberedList(labels)}` : numberedList(labels);
  const parts = splitText(body, opts.limit);
  const last = parts.pop() ?? '';
  const joined = last ? `${last}\n\n${list}` : list;
  const tail = joined.length <= opts.limit ? [joined] : [...(last ? [last] : []), ...splitText(list, opts.limit)];
  const messages: OutboundMessage[] = [...parts, ...tail].map((text) => ({ text }));

  if (opts.buttonTemplates && labels.length <= MAX_TEMPLATE_BUTTONS && last && joined.length <= opts.limit) {
    const final = messages.pop();
    messages.push({
      text: final?.text ?? joined,
      template: {
        text: last,
        buttons: labels.map((l, i) => ({
          title: `${i + 1}. ${l}`.slice(0, MAX_BUTTON_TITLE),
          payload: String(i + 1),
        })),
      },
    });
  }
  return messages;
}

/**
 * All replies of one turn, joined by blank lines, with the last reply's
 * buttons as the list; "bấm" in the engine's texts becomes "gõ số" here,
 * since nothing can be pressed (core/conversation/textOnly).
 */
export function renderReplies(replies: readonly OutgoingReply[], opts: RenderOptions): OutboundMessage[] {
  const last = replies[replies.length - 1];
  if (!last) return [];
  const joined = replies
    .map((r) => r.text.trim())
    .filter((t) => t !== '')
    .join('\n\n');
  const text = forTextOnly(
    joined,
    (last.buttons ?? []).map((b) => b.label),
  );
  const messages = renderOne({ text, buttons: last.buttons }, opts);
  const final = messages.pop();
  if (!final) return messages;
  return [...messages, replies.some((r) => r.forget) ? { ...final, forget: true } : final];
}
