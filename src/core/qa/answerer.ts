/**
 * @module core/qa/answerer
 *
 * Answers a resident's question from the knowledge base with no language
 * model: the FAQ answer when the question is a re-wording of an FAQ entry,
 * otherwise the best passage trimmed to what answers it, always with its
 * source. When the evidence is weak, or the question is plainly out of scope,
 * it says so honestly and points to where to ask, because a wrong answer about
 * a public procedure costs a resident a wasted trip.
 */
import type { ChatModel, DocumentHit, FaqEntry, FaqMatch, KnowledgeSearch, PromptTemplates } from '../ports.js';
import { groundedWording } from './grounded.js';
import { foldMarks } from '../text/normalize.js';
import { outOfScopeTopic, type OutOfScopeTopic } from './scope.js';
import * as T from './texts.js';
import { trimPassage } from './trim.js';

export interface AnswerSource {
  readonly title: string;
  readonly ref: string;
  readonly url?: string;
  readonly score: number;
}

export type AnswerKind = 'faq' | 'passage' | 'unsure' | 'out-of-scope';

export interface QaAnswer {
  readonly kind: AnswerKind;
  readonly confident: boolean;
  /** The reply text, including the source line when confident. */
  readonly text: string;
  /** Retrieved documents, best first (up to 5), also when not confident. */
  readonly sources: readonly AnswerSource[];
  /** Other FAQ entries worth offering as buttons. */
  readonly related: readonly FaqEntry[];
  readonly outOfScope?: OutOfScopeTopic;
}

export interface AnswerThresholds {
  /** Minimum FAQ similarity to answer with the FAQ entry. */
  readonly faq: number;
  /** Minimum coverage of the question's topic by the best passage to answer with it. */
  readonly passage: number;
  /** Coverage needed to answer anyway when the question looks out of scope. */
  readonly outOfScopeOverride: number;
}

export const DEFAULT_THRESHOLDS: AnswerThresholds = { faq: 0.5, passage: 0.58, outOfScopeOverride: 0.9 };

const MAX_SOURCES = 5;

export function sourceLine(title: string, url?: string): string {
  return `${T.SOURCE_LABEL}: ${title}${url ? ` – ${url}` : ''}`;
}

function mentionsVneid(question: string): boolean {
  return /\b(vneid|dinh danh|can cuoc|cccd|passcode)\b/.test(foldMarks(question));
}

function toSources(
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

function relatedOf(faqs: readonly FaqMatch[], except?: string): FaqEntry[] {
  return faqs
    .filter((m) => m.entry.id !== except && m.similarity >= 0.2)
    .slice(0, 3)
    .map((m) => m.entry);
}

/** The optional language model that words passage answers (FAQ answers are already written by staff). */
export interface AnswerWriter {
  readonly model: ChatModel;
  readonly prompts: PromptTemplates;
}

/** Answers one question; never throws for odd input (empty, emoji, very long). */
export async function answerQuestion(
  question: string,
  search: KnowledgeSearch,
  thresholds: AnswerThresholds = DEFAULT_THRESHOLDS,
  writer?: AnswerWriter,
): Promise<QaAnswer> {
  const result = await search.search(question, MAX_SOURCES);
  const topic = outOfScopeTopic(question);
  const bestFaq = result.faqs[0];
  const bestDoc = result.documents[0];
  const need = (base: number): number => (topic ? Math.max(base, thresholds.outOfScopeOverride) : base);

  if (bestFaq && bestFaq.similarity >= need(thresholds.faq)) {
    const info = await search.document(bestFaq.entry.sourceRef);
    const title = info?.title ?? bestFaq.entry.sourceRef;
    return {
      kind: 'faq',
      confident: true,
      text: `${bestFaq.entry.answer.trim()}\n\n${sourceLine(title, info?.url)}`,
      sources: toSources(result.documents, {
        ref: bestFaq.entry.sourceRef,
        title,
        url: info?.url,
        score: Math.max(
          bestFaq.similarity,
          result.documents.find((d) => d.ref === bestFaq.entry.sourceRef)?.score ?? 0,
        ),
      }),
      related: relatedOf(result.faqs, bestFaq.entry.id),
    };
  }

  if (bestDoc && bestDoc.best.coverage >= need(thresholds.passage)) {
    const worded = writer ? await groundedWording(question, result.documents, writer.model, writer.prompts) : undefined;
    if (worded) {
      return {
        kind: 'passage',
        confident: true,
        text: `${worded}\n\n${sourceLine(bestDoc.title, bestDoc.url)}`,
        sources: toSources(result.documents),
        related: relatedOf(result.faqs),
      };
    }
    const body = trimPassage(bestDoc.best.text, result.queryTerms);
    const heading = bestDoc.best.heading ? `${bestDoc.best.heading.split(' › ').pop() ?? ''}\n` : '';
    return {
      kind: 'passage',
      confident: true,
      text: `${heading}${body}\n\n${sourceLine(bestDoc.title, bestDoc.url)}`,
      sources: toSources(result.documents),
      related: relatedOf(result.faqs),
    };
  }

  const sources = toSources(result.documents);
  if (topic) {
    return {
      kind: 'out-of-scope',
      confident: false,
      text: `${T.OUT_OF_SCOPE_INTRO}\n${T.OUT_OF_SCOPE_HINT[topic]}`,
      sources,
      related: [],
      outOfScope: topic,
    };
  }
  const lines = [T.UNSURE, T.WHERE_TO_ASK];
  if (mentionsVneid(question)) lines.push(T.VNEID_LINE);
  const maybe = result.documents.filter((d) => d.best.coverage >= 0.35).slice(0, 2);
  if (maybe.length > 0) lines.push(`${T.RELATED_PAGES}\n${maybe.map((d) => `• ${d.title}`).join('\n')}`);
  return { kind: 'unsure', confident: false, text: lines.join('\n\n'), sources, related: relatedOf(result.faqs) };
}
