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
/**
 * A choice covers at least this share of the question. A long question with a
 * story covers little of any page (its right section often 0.2–0.3), and a
 * choice costs the resident one tap: measured on the real-question tuning
 * half, 0.3 put the section that answers among the choices for 11 of 34
 * "not sure" replies, 0.2 with two sections a page for 15.
 */
const CHOICE_MIN_COVERAGE = 0.2;
/**
 * Sections of one page offered at most: the right page often ranks first
 * with its answering section second ("xin phiếu số mấy" under "phiếu là gì").
 */
const CHOICES_PER_PAGE = 2;
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

/**
 * Up to three sections close to the question (at most two of one page), as
 * choices that show the passage when picked.
 */
export function choicesOf(ranked: readonly Candidate[]): AnswerChoice[] {
  const out: AnswerChoice[] = [];
  const perPage = new Map<string, number>();
  for (const c of ranked) {
    if (out.length >= MAX_CHOICES) break;
    const taken = perPage.get(c.doc.ref) ?? 0;
    if (c.passage.id === undefined || taken >= CHOICES_PER_PAGE || c.passage.coverage < CHOICE_MIN_COVERAGE) continue;
    const label = choiceLabel(c.passage, c.doc.title);
    // Two chunks of one long section read the same: one button is enough.
    if (out.some((o) => o.label === label)) continue;
    perPage.set(c.doc.ref, taken + 1);
    out.push({ label, value: `pg:${c.passage.id}` });
  }
  return out;
}
