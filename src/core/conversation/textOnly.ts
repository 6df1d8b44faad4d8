/**
 * @module core/conversation/textOnly
 *
 * Wording for channels where choices cannot be pressed (Zalo consultation
 * messages, the terminal): they show the buttons as a numbered list and the
 * resident types the number. The engine's texts are written for buttons
 * ('bấm "Bỏ qua câu này"'), so such a channel passes them through here with
 * the labels it lists, and "bấm" becomes "gõ số 1". A numbered answer above
 * the list ("1. Mở ứng dụng…") would make two lists that both start at 1, and
 * a resident typing "1" for the first step would pick the first choice
 * instead; so its steps are written "(1)" and the list gets its own heading.
 */

/** The line above the choices when the text above has numbered lines of its own. */
export const CHOICES_HEADING = 'Gõ số để chọn:';

/** `bấm "Label"` where Label is one of the listed choices (quotes straight or curly). */
const PRESS_LABEL = /\b([Bb])ấm ["“]([^"”\n]{1,100})["”]/gu;
/** "…, hoặc bấm nút bên dưới": on a text-only channel the sentence before already says to type. */
const OR_PRESS_BELOW = /,?\s*hoặc bấm nút (?:bên )?dưới(?: đây)?/gu;
/** "bấm nút dưới đây" used on its own. */
const PRESS_BELOW = /\b([Bb])ấm nút (?:bên )?dưới(?: đây)?/gu;
/** A line that starts like an item of a numbered list: "1. ", "2) ". */
const NUMBERED_LINE = /^(\s*)(\d{1,2})[.)]\s+/gmu;

/**
 * The text as a text-only channel should show it above a numbered list of
 * `labels`: a press on a listed label becomes "gõ số N", "hoặc bấm nút bên
 * dưới" is dropped. A label that is not listed (a step inside the VNeID
 * app, say) is left as written.
 */
export function forTextOnly(text: string, labels: readonly string[]): string {
  return text
    .replace(PRESS_LABEL, (whole, b: string, label: string) => {
      const index = labels.indexOf(label);
      return index < 0 ? whole : `${b === 'B' ? 'G' : 'g'}õ số ${index + 1} ("${label}")`;
    })
    .replace(OR_PRESS_BELOW, '')
    .replace(PRESS_BELOW, (_whole, b: string) => `${b === 'B' ? 'G' : 'g'}õ số ở danh sách dưới đây`);
}

/** Whether the text has lines numbered like the list of choices a channel adds under it. */
export function hasNumberedLines(text: string): boolean {
  return new RegExp(NUMBERED_LINE.source, 'mu').test(text);
}

/** The text's own numbered lines written "(1) …", so only the choices read "1. …". */
export function unnumberLines(text: string): string {
  return text.replace(NUMBERED_LINE, (_whole, indent: string, n: string) => `${indent}(${n}) `);
}
