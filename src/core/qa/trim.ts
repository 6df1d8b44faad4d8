/**
 * @module core/qa/trim
 *
 * Cuts a retrieved passage down to the part that answers the question. A
 * resident on a small phone screen should read three to six lines, not a whole
 * section: we keep the window of consecutive sentences (or list items) that
 * covers most of the question's topic words, in their original order.
 */
import { tokenize } from '../text/normalize.js';

/** Answers longer than this are trimmed; short sections are shown whole. */
export const MAX_ANSWER_CHARS = 650;

/** Splits into lines, and long lines into sentences, keeping list items whole. */
function units(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n+/)) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    if (trimmed.length <= 220 || /^([-*•]|\d+[.)])\s/.test(trimmed)) {
      out.push(trimmed);
      continue;
    }
    for (const s of trimmed.split(/(?<=[.!?…])\s+(?=[A-ZÀ-Ỹ0-9"“(])/u)) if (s.trim()) out.push(s.trim());
  }
  return out;
}

/** Removes Markdown decoration that means nothing in a chat bubble. */
export function plainText(text: string): string {
  return text
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/__(.+?)__/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\((https?:[^)]+)\)/g, '$1 ($2)')
    .replace(/^\s*[*-]\s+/gm, '• ')
    .replace(/^\s*>\s?/gm, '')
    .replace(/^\|.*\|[ \t]*$/gm, (row) => {
      const cells = row
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim())
        .filter((c) => !/^:?-+:?$/.test(c));
      // A separator row (|---|---|) leaves no cells: mark it for removal.
      return cells.length > 0 ? cells.join(' – ') : '\u0000';
    })
    .replace(/^\u0000\n?/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The part of `text` that best covers `queryTerms` (folded syllables), at most `max` characters. */
export function trimPassage(text: string, queryTerms: readonly string[], max = MAX_ANSWER_CHARS): string {
  const clean = plainText(text);
  if (clean.length <= max) return clean;
  const parts = units(clean);
  const wanted = new Set(queryTerms);
  const gain = parts.map((p) => {
    let g = 0;
    for (const t of new Set(tokenize(p))) if (wanted.has(t)) g++;
    return g;
  });
  let bestStart = 0;
  let bestEnd = 0;
  let bestGain = -1;
  for (let start = 0; start < parts.length; start++) {
    let len = 0;
    let g = 0;
    for (let end = start; end < parts.length; end++) {
      len += (parts[end] ?? '').length + 1;
      if (len > max && end > start) break;
      g += gain[end] ?? 0;
      // Prefer more evidence; on a tie prefer the earlier, longer window (it keeps the lead-in).
      if (g > bestGain || (g === bestGain && start === bestStart && end > bestEnd)) {
        bestGain = g;
        bestStart = start;
        bestEnd = end;
      }
    }
  }
  let out = parts.slice(bestStart, bestEnd + 1).join('\n');
  if (out.length > max) out = `${out.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
  return out;
}

/** Sentences about the page itself ("Trang này giải thích…") tell a resident nothing. */
export function withoutPageTalk(text: string): string {
  const out = text
    .replace(/(^|(?<=[.!?…]\s)|\n)\s*(Trang này|Tài liệu này|Bài này|Mục này)\b[^.!?\n]*[.!?…]?[ \t]*/gu, '$1')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return out;
}
