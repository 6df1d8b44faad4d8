/**
 * @module core/conversation/choices
 *
 * Text-only channels (Zalo, SMS-like chats, the terminal) cannot press a
 * button: the resident types "2", or the option's words, with or without
 * marks. This turns such a text into the value of the button it names among
 * those last offered, so every feature gets typed answers for free.
 */
import type { ReplyButton } from '../messages.js';
import { foldMarks } from '../text/normalize.js';

const simplify = (s: string): string =>
  foldMarks(s)
    .replace(/^[✅▶•]\s*/u, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** The value of the offered button that `text` picks, if it clearly picks one. */
export function choiceFromText(text: string, offered: readonly ReplyButton[] | undefined): string | undefined {
  if (!offered || offered.length === 0) return undefined;
  const t = text.trim();
  const number = /^(?:so\s*|số\s*|câu\s*|cau\s*)?(\d{1,2})[.)]?$/iu.exec(t)?.[1];
  if (number) return offered[Number(number) - 1]?.value;
  const wanted = simplify(t);
  if (!wanted) return undefined;
  const matches = offered.filter((b) => simplify(b.label) === wanted);
  return matches.length === 1 ? matches[0]?.value : undefined;
}
