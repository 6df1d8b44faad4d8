/**
 * How residents really type a question on a phone, applied mechanically to a
 * question written with marks, so the tuning half can be measured as it
 * would arrive on Zalo: without marks, with chat shorthand ("ko", "dc", "j",
 * "ntn", "bn", "vs") and with one doubled letter (a finger resting on a key).
 * The noise is seeded by the question itself, so each question always gets
 * the same slip and the figures are comparable run to run. Only ever applied
 * to the tuning half: the held-out half stays as its writers wrote it.
 */
import { createHash } from 'node:crypto';
import { foldMarks } from '../../src/core/text/normalize.js';
import { mulberry32 } from './seeded.js';

/** Chat shorthand, longest phrase first so "như thế nào" is not cut by a shorter rule. */
const SHORTHAND: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?<![\p{L}\p{N}])như thế nào(?![\p{L}\p{N}])/giu, 'ntn'],
  [/(?<![\p{L}\p{N}])bao nhiêu(?![\p{L}\p{N}])/giu, 'bn'],
  [/(?<![\p{L}\p{N}])không(?![\p{L}\p{N}])/giu, 'ko'],
  [/(?<![\p{L}\p{N}])được(?![\p{L}\p{N}])/giu, 'dc'],
  [/(?<![\p{L}\p{N}])gì(?![\p{L}\p{N}])/giu, 'j'],
  [/(?<![\p{L}\p{N}])với(?![\p{L}\p{N}])/giu, 'vs'],
];

/** A deterministic generator seeded from the question's SHA-256: a question is always mistyped the same way. */
function rngFor(text: string): () => number {
  return mulberry32(createHash('sha256').update(text.normalize('NFC')).digest().readUInt32LE(0));
}

/** The question with every mark removed (lower case, đ → d). */
export function noMarks(question: string): string {
  return foldMarks(question.normalize('NFC'));
}

/** Chat shorthand applied to a question written with marks. */
export function withShorthand(question: string): string {
  let out = question.normalize('NFC');
  for (const [re, short] of SHORTHAND) out = out.replace(re, short);
  return out;
}

/** One letter of one word of at least four letters typed twice, chosen by the seeded generator. */
export function withDoubledLetter(text: string, seed: string): string {
  const words = [...text.matchAll(/[a-z]{4,}/g)];
  if (words.length === 0) return text;
  const rnd = rngFor(seed);
  const w = words[Math.floor(rnd() * words.length)];
  if (!w || w.index === undefined) return text;
  const at = w.index + Math.floor(rnd() * w[0].length);
  return text.slice(0, at + 1) + text.slice(at);
}

/** The question as typed on a phone: shorthand, no marks, one doubled letter. */
export function phoneTyped(question: string): string {
  return withDoubledLetter(noMarks(withShorthand(question)), question);
}
