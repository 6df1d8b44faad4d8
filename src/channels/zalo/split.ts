/**
 * @module channels/zalo/split
 *
 * Zalo refuses a text longer than its limit (2,000 characters). An answer that
 * long is cut where a reader would pause (a blank line, a line end, the end
 * of a sentence, a space) so that each message reads as a whole; only a
 * single unbroken run of characters is ever cut mid-word.
 */

/** Where to cut, best first: each pattern's match end is a candidate cut position. */
const BOUNDARIES: readonly RegExp[] = [
  /\n\s*\n/g,
  /\n/g,
  /[.!?…](?:["”')\]]*)\s+/g,
  /[;:](?:["”')\]]*)\s+/g,
  /[,–-]\s+/g,
  /\s+/g,
];

/** The cut position in `text` (≤ limit) at the best boundary in the back half of the window, if any. */
function cutAt(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  const floor = Math.floor(limit / 2);
  for (const re of BOUNDARIES) {
    let best = -1;
    for (const m of window.matchAll(re)) {
      // Cut after the punctuation (and closing quotes); the whitespace that follows is dropped.
      const keep = m.index + m[0].trimEnd().length;
      if (keep <= limit && keep >= floor) best = keep;
    }
    if (best > 0) return best;
  }
  return limit;
}

/** Splits `text` into parts of at most `limit` characters, cut at natural boundaries. */
export function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    // Never split a surrogate pair (an emoji) in two.
    let cut = cutAt(rest, limit);
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    const head = rest.slice(0, cut).trimEnd();
    parts.push(head);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}
