/**
 * @module core/qa/format
 *
 * How an answer reads on a phone: the passage without headings that repeat a
 * question nobody asked and without sentences about the page itself, the
 * source line, the sources list, related questions, and the labels of the
 * "did you mean" choices offered when the assistant is not sure.
 */
import type { DocumentHit, FaqEntry, FaqMatch, PassageHit } from '../ports.js';
import { foldMarks } from '../text/normalize.js';
import type { Candidate } from './choose.js';
import * as T from './texts.js';
import { trimPassage, withoutPageTalk } from './trim.js';
import type { AnswerChoice, AnswerSource } from './types.js';

const MAX_CHOICES = 3;
const CHOICE_MIN_COVERAGE = 0.3;
export const MAX_SOURCES = 5;

export function sourceLine(title: string, url?: string): string {
  return `${T.SOURCE_LABEL}: ${title}${url ? ` – ${url}` : ''}`;
}

export function mentionsVneid(question: string): boolean {
  return /\b(vneid|dinh danh|can cuoc|cccd|passcode)\b/.test(foldMarks(question));
}

export function toSources(
  docs: readonly DocumentHit[],
  first?: { ref: string; title: string; url?: string; score: number },
): AnswerSource[] {
  const out: AnswerSource[] = [];
  if (first) out.push({ title: first.title, ref: first.ref, url: first.url, score: round(first.score) });
  for (const d of docs) {
    if (out.length >= MAX_SOURCES) break;
    if (out.some((s) => s.ref === d.ref)) continue;
    out.push({ title: d.title, ref: d.ref, url: d.url, score: round(d.score) });
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function relatedOf(faqs: readonly FaqMatch[], except?: string): FaqEntry[] {
  return faqs
    .filter((m) => m.entry.id !== except && m.similarity >= 0.2)
    .slice(0, 3)
    .map((m) => m.entry);
}

/** Headings written as questions ("Mức 2 làm ở đâu?") repeat a question the resident did not ask. */
export function headingLine(heading: string): string {
  const last = heading.split(' › ').pop()?.trim() ?? '';
  return last && !/[?？]\s*$/.test(last) ? `${last}\n` : '';
}

export function passageText(p: PassageHit, terms: readonly string[], max?: number): string {
  return `${headingLine(p.heading)}${trimPassage(withoutPageTalk(p.text) || p.text, terms, max)}`;
}

/** Label of a "did you mean" choice: the section's question when it is one, else the page title. */
function choiceLabel(p: PassageHit, title: string): string {
  const last = p.heading.split(' › ').pop()?.trim() ?? '';
  const label = last && /[?？]\s*$/.test(last) ? last : last ? `${title}: ${last}` : title;
  return label.length > 60 ? `${label.slice(0, 57).replace(/\s+\S*$/, '')}…` : label;
}

/** Up to three distinct pages close to the question, as choices that show the passage when picked. */
export function choicesOf(ranked: readonly Candidate[]): AnswerChoice[] {
  const out: AnswerChoice[] = [];
  const docs = new Set<string>();
  for (const c of ranked) {
    if (out.length >= MAX_CHOICES) break;
    if (c.passage.id === undefined || docs.has(c.doc.ref) || c.passage.coverage < CHOICE_MIN_COVERAGE) continue;
    docs.add(c.doc.ref);
    out.push({ label: choiceLabel(c.passage, c.doc.title), value: `pg:${c.passage.id}` });
  }
  return out;
}
