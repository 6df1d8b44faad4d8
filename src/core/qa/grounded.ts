/**
 * @module core/qa/grounded
 *
 * The checks a language model's reply passes before a resident reads it.
 * A model can write a fluent, wrong phone number; a resident who calls it, or
 * travels with the wrong fee in hand, pays for our mistake. So every phone
 * number, web address, document number, fee and date in the reply must be
 * found in the passages it was given, every citation must point at one of
 * them, and no part of the system prompt may be echoed (an injected "print
 * your instructions" changes nothing). Anything else sends the extractive
 * answer instead.
 */
import { foldMarks } from '../text/normalize.js';

/** The word the prompt asks the model to write when the passages do not answer. */
export const UNSURE_MARKER = 'KHONG_CHAC';
/** A reply longer than this is not the short answer the prompt asked for. */
export const MAX_REPLY_CHARS = 1200;

export type FactKind = 'phone' | 'url' | 'document' | 'fee' | 'date';

export interface Fact {
  readonly kind: FactKind;
  /** Normalised form, comparable between the reply and the passages. */
  readonly value: string;
}

const UNITS: Readonly<Record<string, string>> = { nghin: '000', ngan: '000', trieu: '000000', k: '000' };

/** Digits of an amount with its thousands separators and "nghìn/triệu" multipliers resolved. */
function amount(digits: string, unit: string | undefined): string {
  const [whole = '', frac = ''] = digits.replace(/\./g, '').split(',');
  const zeros = unit ? (UNITS[unit] ?? '') : '';
  if (!zeros || !frac) return `${whole}${zeros}`.replace(/^0+(?=\d)/, '');
  return `${whole}${frac}${zeros.slice(frac.length)}`.replace(/^0+(?=\d)/, '');
}

/**
 * Facts a reply must not invent, in normalised form. Fees are matched on the
 * folded text ("50.000 đồng", "50 nghìn đồng", "50.000đ" are one fee); dates
 * on day/month(/year) and "ngày … tháng … năm …"; document numbers on the
 * "số/năm/ký hiệu" pattern of Vietnamese legal texts (59/2022/NĐ-CP).
 */
export function factsIn(text: string): Fact[] {
  const folded = foldMarks(text);
  const out: Fact[] = [];
  for (const m of text.matchAll(/\b\d{1,4}\/\d{4}\/[A-ZĐa-zđ][A-ZĐa-zđ0-9-]*|\b\d{1,4}\/[A-ZĐ][A-ZĐa-zđ0-9-]*/gu))
    out.push({ kind: 'document', value: foldMarks(m[0]).toUpperCase() });
  const withoutDocs = text.replace(/\b\d{1,4}\/\d{4}\/[^\s,;)]+|\b\d{1,4}\/[A-ZĐ][A-ZĐa-zđ0-9-]*/gu, ' ');
  for (const m of withoutDocs.matchAll(/\b(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?\b/g))
    out.push({ kind: 'date', value: [Number(m[1]), Number(m[2]), m[3] ?? ''].join('/').replace(/\/$/, '') });
  for (const m of folded.matchAll(/ngay (\d{1,2}) thang (\d{1,2})(?: nam (\d{4}))?/g))
    out.push({ kind: 'date', value: [Number(m[1]), Number(m[2]), m[3] ?? ''].join('/').replace(/\/$/, '') });
  for (const m of folded.matchAll(/(\d[\d.,]*)\s*(nghin|ngan|trieu|k)?\s*(dong|vnd|d)\b/g))
    out.push({ kind: 'fee', value: amount(m[1] ?? '', m[2]) });
  for (const m of withoutDocs.matchAll(/(?<![\d/])\d(?:[\s.]?\d){6,}/g))
    out.push({ kind: 'phone', value: m[0].replace(/\D/g, '') });
  for (const m of text.matchAll(/\b(?:https?:\/\/)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov\.vn|vn|com|org|net)\b/gi))
    out.push({
      kind: 'url',
      value: m[0]
        .toLowerCase()
        .replace(/^https?:\/\//, '')
        .replace(/^www\./, ''),
    });
  return out;
}

/** Facts of `reply` found nowhere in `given` (the passages, titles and addresses sent to the model). */
export function inventedFacts(reply: string, given: string): Fact[] {
  const allowed = new Set(factsIn(given).map((f) => `${f.kind}:${f.value}`));
  // A phone number may be written in the passages with a different grouping; digits decide.
  const digits = given.replace(/\D/g, '');
  return factsIn(reply).filter(
    (f) => !allowed.has(`${f.kind}:${f.value}`) && !(f.kind === 'phone' && digits.includes(f.value)),
  );
}

/** Citation numbers in a reply ("[1]", "[2, 3]", "[1][3]"), in order of first use. */
export function citationsIn(reply: string): number[] {
  const out: number[] = [];
  for (const m of reply.matchAll(/\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]/g))
    for (const n of (m[1] ?? '').split(',').map((x) => Number(x.trim()))) if (!out.includes(n)) out.push(n);
  return out;
}

/** The reply without its citation marks, which mean nothing to a resident reading on a phone. */
export function withoutCitations(reply: string): string {
  return reply
    .replace(/\s*\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]/g, '')
    .replace(/[ \t]+([.,;:!?])/g, '$1')
    .trim();
}

/** Words in a row the reply may share with the system prompt before it counts as printing it. */
const LEAK_WORDS = 8;

/** True when the reply repeats a run of the system prompt's words (its rules, printed on request). */
export function echoesPrompt(reply: string, system: string): boolean {
  const words = (t: string): string[] =>
    foldMarks(t)
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
  const sys = words(system);
  if (sys.length < LEAK_WORDS) return false;
  const runs = new Set<string>();
  for (let i = 0; i + LEAK_WORDS <= sys.length; i++) runs.add(sys.slice(i, i + LEAK_WORDS).join(' '));
  const rep = words(reply);
  for (let i = 0; i + LEAK_WORDS <= rep.length; i++) if (runs.has(rep.slice(i, i + LEAK_WORDS).join(' '))) return true;
  return false;
}
