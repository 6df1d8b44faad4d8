/**
 * @module core/text/sensitive
 *
 * Finds secrets and personal numbers in what a resident typed, so the engine
 * can warn them (the commune never needs a password, OTP, card or full ID
 * number) and so nothing of it is stored or logged. Every channel masks with
 * this one function before its first write.
 *
 * Patterns run over a folded copy of the text (lower case, marks removed,
 * đ→d) that keeps every character at the same index as the original, so one
 * pattern covers "mật khẩu", "mat khau" and "MẬT KHẨU" and the value is cut
 * out of the original text. Redaction repeats until nothing more is found, so
 * masking masked text changes nothing (it is idempotent).
 */
import { classifyNumber, DIGIT_RUN, type NumberKind } from './personalNumbers.js';
import { SECRET_KEYWORD, SECRET_PATTERNS, type SecretKind } from './secretPatterns.js';

export type SensitiveKind = SecretKind | NumberKind;

export interface RedactionResult {
  /** The text with every sensitive value replaced by a placeholder. */
  readonly text: string;
  /** What was found; empty when the text was clean. */
  readonly kinds: ReadonlySet<SensitiveKind>;
}

/** What replaces a secret (password, OTP) and a personal number. */
export const HIDDEN = '[đã ẩn]';
const HIDDEN_NUMBER = '[số đã ẩn]';
const HIDDEN_PHONE = '[số điện thoại đã ẩn]';

/** More rounds than any message needs: each round only ever shortens what is left to find. */
const MAX_ROUNDS = 4;
/** How far back a number's context is read (a keyword and a few words). */
const CONTEXT_CHARS = 80;

/** Index of the last character that ends a clause (. ! ? ; or a new line), or -1. */
function lastClauseEnd(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) if ('.!?;\n'.includes(text[i] ?? '')) return i;
  return -1;
}

/** Folded form of each character met so far (a few hundred distinct ones in Vietnamese text). */
const FOLDED = new Map<string, string>();

/** Folds one character at a time, keeping the original's length, so indexes match. */
function foldAligned(text: string): string {
  let out = '';
  for (const ch of text) {
    let folded = FOLDED.get(ch);
    if (folded === undefined) {
      const f = ch
        .normalize('NFD')
        .replace(/\p{M}+/gu, '')
        .replace(/[đĐ]/g, 'd')
        .toLowerCase();
      folded = f.length === ch.length ? f : ch;
      if (FOLDED.size < 4096) FOLDED.set(ch, folded);
    }
    out += folded;
  }
  return out;
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly placeholder: string;
}

/** Replaces the spans (sorted, not overlapping) in the text. */
function cut(text: string, spans: readonly Span[]): string {
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + s.placeholder;
    at = s.end;
  }
  return out + text.slice(at);
}

/** Trailing punctuation stays in the sentence, not in the hidden value. */
function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start + 1 && /[.,:;!?)"'”»]/.test(text[e - 1] ?? '')) e--;
  return e;
}

/** Runs one secret pattern over the folded text; a rejected match is retried one character later. */
function secretSpans(folded: string, pattern: (typeof SECRET_PATTERNS)[number], kinds: Set<SensitiveKind>): Span[] {
  const spans: Span[] = [];
  const re = new RegExp(pattern.regex.source, 'dgu');
  for (let m = re.exec(folded); m; m = re.exec(folded)) {
    const range = m.indices?.[pattern.value];
    const keyword = (m[pattern.keyword] ?? '').trim();
    const value = m[pattern.value] ?? '';
    if (!range || !pattern.accept(value, keyword)) {
      re.lastIndex = m.index + 1;
      continue;
    }
    kinds.add(pattern.kind(keyword));
    spans.push({ start: range[0], end: trimEnd(folded, range[0], range[1]), placeholder: HIDDEN });
  }
  return spans;
}

/** Finds the personal numbers, each judged with the words before it in its clause. */
function numberSpans(folded: string, kinds: Set<SensitiveKind>): Span[] {
  const spans: Span[] = [];
  for (const m of folded.matchAll(DIGIT_RUN)) {
    const start = m.index;
    // Only the last words before the number matter, and never across the end of a clause.
    const before = folded.slice(Math.max(0, start - CONTEXT_CHARS), start);
    const end = start + m[0].length;
    const kind = classifyNumber(m[0], before.slice(lastClauseEnd(before) + 1), folded.slice(end, end + 12));
    if (!kind) continue;
    kinds.add(kind);
    spans.push({ start, end, placeholder: kind === 'phone' ? HIDDEN_PHONE : HIDDEN_NUMBER });
  }
  return spans;
}

/** One pass of every pattern, in order; each sees the values of the previous ones already hidden. */
function redactOnce(input: string, kinds: Set<SensitiveKind>): string {
  let text = input;
  let folded = foldAligned(text);
  for (const pattern of SECRET_PATTERNS) {
    const spans = secretSpans(folded, pattern, kinds);
    if (spans.length === 0) continue;
    text = cut(text, spans);
    folded = foldAligned(text);
  }
  const spans = numberSpans(folded, kinds);
  return spans.length > 0 ? cut(text, spans) : text;
}

/** Replaces passwords, OTPs, PINs, ID, phone, bank account and card numbers with placeholders. */
export function redactSensitive(input: string): RedactionResult {
  const kinds = new Set<SensitiveKind>();
  let text = input.normalize('NFC');
  // Most messages hold neither a digit nor a secret's keyword: nothing to look for.
  if (!/\d/.test(text) && !SECRET_KEYWORD.test(foldAligned(text))) return { text: input, kinds };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = redactOnce(text, kinds);
    if (next === text) break;
    text = next;
  }
  return { text: kinds.size > 0 ? text : input, kinds };
}

/** Only the kinds that residents must be warned about (a phone number is not a secret). */
export function secretKinds(kinds: ReadonlySet<SensitiveKind>): SensitiveKind[] {
  return [...kinds].filter((k) => k !== 'phone');
}
