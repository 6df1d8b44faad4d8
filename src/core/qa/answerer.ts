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
import type {
  ChatModel,
  DocumentHit,
  FaqEntry,
  FaqMatch,
  KnowledgeSearch,
  PassageHit,
  PromptTemplates,
  SearchResult,
} from '../ports.js';
import { groundedWording } from './grounded.js';
import { foldMarks } from '../text/normalize.js';
import { choose, offerFor, rankCandidates, saysNothing, type Candidate, type Choice } from './choose.js';
import { effectiveQuestion, namesNoTopic, ownTopicTerms, topicOf } from './followUp.js';
import { intentFit } from './intent.js';
import { analyzeQuestion, type AnalyzedQuestion } from './question.js';
import { outOfScopeTopic, type OutOfScopeTopic } from './scope.js';
import * as T from './texts.js';
import { trimPassage, withoutPageTalk } from './trim.js';

export interface AnswerSource {
  readonly title: string;
  readonly ref: string;
  readonly url?: string;
  readonly score: number;
}

export type AnswerKind = 'faq' | 'passage' | 'unsure' | 'out-of-scope';

/** A page offered when the answer is not sure ("Có phải bà con muốn hỏi…?"); its value picks it. */
export interface AnswerChoice {
  readonly label: string;
  readonly value: string;
}

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
  /** Closest pages to offer when not sure (at most three). */
  readonly choices?: readonly AnswerChoice[];
  /** Topic words of what was answered, kept so a follow-up ("làm ở đâu?") stays on this topic. */
  readonly topic?: string;
  /** Document the answer came from (for feedback and follow-ups). */
  readonly ref?: string;
  /** True when the question named no topic at all ("cần giấy tờ gì?"): not a gap in the knowledge. */
  readonly unclear?: boolean;
}

/** What the conversation adds to a question: the topic of the last answer, and where to ask in person. */
export interface AskContext {
  /** Topic words of the previous answer, if it is recent. */
  readonly previousTopic?: string;
  /** Lines that end an unsure reply (contacts of the commune when known). */
  readonly whereToAsk?: readonly string[];
}

export interface AnswerThresholds {
  /** Minimum FAQ similarity to answer with the FAQ entry. */
  readonly faq: number;
  /** Minimum coverage of the question's topic by the best passage to answer with it. */
  readonly passage: number;
  /** Coverage needed to answer anyway when the question looks out of scope. */
  readonly outOfScopeOverride: number;
  /**
   * Coverage forgiven per topic word beyond six: a long question with a story
   * has words no page repeats, and its right page covers less of it.
   */
  readonly longQuestionRelief?: number;
  /** The passage threshold never drops below this, however long the question. */
  readonly passageFloor?: number;
}

export const DEFAULT_THRESHOLDS: AnswerThresholds = {
  faq: 0.5,
  passage: 0.58,
  outOfScopeOverride: 0.9,
  longQuestionRelief: 0.012,
  passageFloor: 0.45,
};
const LONG_QUESTION_TERMS = 6;

/** A passage that fits what is asked may cover this much less of the question's words. */
const FIT_RELIEF = 0.1;
/** Longest text of the passage answering the second part of a two-part question. */
const SECOND_PART_CHARS = 380;
const MAX_CHOICES = 3;
const CHOICE_MIN_COVERAGE = 0.3;

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

/** Coverage a passage needs, given how well it fits what is asked. */
function passes(c: Candidate, base: number): boolean {
  return c.passage.coverage + FIT_RELIEF * c.fit - 0.5 * c.mismatch >= base;
}

/** Headings written as questions ("Mức 2 làm ở đâu?") repeat a question the resident did not ask. */
function headingLine(heading: string): string {
  const last = heading.split(' › ').pop()?.trim() ?? '';
  return last && !/[?？]\s*$/.test(last) ? `${last}\n` : '';
}

function passageText(p: PassageHit, terms: readonly string[], max?: number): string {
  return `${headingLine(p.heading)}${trimPassage(withoutPageTalk(p.text) || p.text, terms, max)}`;
}

/** Label of a "did you mean" choice: the section's question when it is one, else the page title. */
function choiceLabel(p: PassageHit, title: string): string {
  const last = p.heading.split(' › ').pop()?.trim() ?? '';
  const label = last && /[?？]\s*$/.test(last) ? last : last ? `${title}: ${last}` : title;
  return label.length > 60 ? `${label.slice(0, 57).replace(/\s+\S*$/, '')}…` : label;
}

/** Up to three distinct pages close to the question, as choices that show the passage when picked. */
function choicesOf(result: SearchResult, analysis: AnalyzedQuestion): AnswerChoice[] {
  const out: AnswerChoice[] = [];
  const docs = new Set<string>();
  for (const c of rankCandidates(result, analysis.intents, analysis.focus)) {
    if (out.length >= MAX_CHOICES) break;
    if (c.passage.id === undefined || docs.has(c.doc.ref) || c.passage.coverage < CHOICE_MIN_COVERAGE) continue;
    docs.add(c.doc.ref);
    out.push({ label: choiceLabel(c.passage, c.doc.title), value: `pg:${c.passage.id}` });
  }
  return out;
}

/**
 * For a question in two parts ("…có phải lên huyện không, có mất tiền
 * không?"), a passage for the part the chosen one does not answer: searched
 * with that part and the topic of the first, and taken from the same pages
 * (or the pages retrieval already ranked), so the cost of "mức 2" is not
 * answered with the cost of an emergency call.
 */
async function secondPart(ev: Evaluated, best: Candidate, search: KnowledgeSearch): Promise<Candidate | undefined> {
  const { analysis, result } = ev;
  if (analysis.parts.length < 2) return undefined;
  const first = analysis.parts[0];
  const pages = new Set([best.doc.ref, ...result.documents.slice(0, 3).map((d) => d.ref)]);
  for (const part of analysis.parts.slice(1)) {
    if (part.intents.length === 0) continue;
    if (intentFit(part.intents, offerFor(best.passage)) >= 0.5) continue;
    const topic = ownTopicTerms(first?.text ?? '').join(' ');
    const query = `${topic} ${part.text}`;
    const found = await search.search(query, MAX_SOURCES);
    // Another page may answer this part, if it is about the same topic (not merely about "cost" in general).
    const pick = rankCandidates(found, part.intents, query).find(
      (c) =>
        c.passage.text !== best.passage.text &&
        !saysNothing(c.passage.heading, c.passage.text) &&
        c.fit >= 0.5 &&
        c.mismatch <= 0.25 &&
        c.passage.coverage >= 0.35 &&
        (pages.has(c.doc.ref) || (c.passage.ownCoverage ?? c.passage.coverage) >= 0.3),
    );
    if (pick) return pick;
  }
  return undefined;
}

interface Evaluated {
  readonly question: string;
  readonly analysis: AnalyzedQuestion;
  readonly result: SearchResult;
  readonly choice: Choice;
  readonly confident: boolean;
}

async function evaluate(
  question: string,
  search: KnowledgeSearch,
  thresholds: AnswerThresholds,
  outOfScope: boolean,
): Promise<Evaluated> {
  const analysis = analyzeQuestion(question);
  const result = await search.search(analysis.focus, MAX_SOURCES);
  const choice = choose(result, analysis, thresholds.faq * 0.6);
  const need = (base: number): number => (outOfScope ? Math.max(base, thresholds.outOfScopeOverride) : base);
  const faqOk = choice.faq !== undefined && (!outOfScope || choice.faq.coverage >= thresholds.outOfScopeOverride);
  const extra = Math.max(0, analysis.terms.length - LONG_QUESTION_TERMS) * (thresholds.longQuestionRelief ?? 0);
  const base = Math.max(thresholds.passage - extra, Math.min(thresholds.passage, thresholds.passageFloor ?? 1));
  const passageOk = choice.best !== undefined && passes(choice.best, need(base));
  return { question, analysis, result, choice, confident: faqOk || passageOk };
}

/** Answers one question; never throws for odd input (empty, emoji, very long). */
export async function answerQuestion(
  question: string,
  search: KnowledgeSearch,
  thresholds: AnswerThresholds = DEFAULT_THRESHOLDS,
  writer?: AnswerWriter,
  context: AskContext = {},
): Promise<QaAnswer> {
  const topic = outOfScopeTopic(question);
  let ev = await evaluate(question, search, thresholds, topic !== undefined);
  const followUp = context.previousTopic ? effectiveQuestion(question, context.previousTopic) : undefined;
  if (followUp) {
    const joined = await evaluate(followUp.question, search, thresholds, topic !== undefined);
    // An elliptic question ("làm ở đâu?") is read in the last topic; one naming its own topic keeps it when it is answered.
    if (joined.confident && (followUp.elliptic || !ev.confident)) ev = joined;
  }
  const { result, choice, analysis } = ev;
  const whereToAsk = context.whereToAsk && context.whereToAsk.length > 0 ? context.whereToAsk : [T.WHERE_TO_ASK];
  // "cần giấy tờ gì?" with nothing before it: any page would be a guess, so ask what it is about.
  if (ev.question === question && namesNoTopic(question) && analysis.intents.length > 0) {
    return {
      kind: 'unsure',
      confident: false,
      text: T.NEED_TOPIC,
      unclear: true,
      sources: toSources(result.documents),
      related: relatedOf(result.faqs),
    };
  }

  if (ev.confident && choice.faq) {
    const faq = choice.faq.match;
    const info = await search.document(faq.entry.sourceRef);
    const title = info?.title ?? faq.entry.sourceRef;
    return {
      kind: 'faq',
      confident: true,
      text: `${faq.entry.answer.trim()}\n\n${sourceLine(title, info?.url)}`,
      sources: toSources(result.documents, {
        ref: faq.entry.sourceRef,
        title,
        url: info?.url,
        score: Math.max(faq.similarity, result.documents.find((d) => d.ref === faq.entry.sourceRef)?.score ?? 0),
      }),
      related: relatedOf(result.faqs, faq.entry.id),
      topic: topicOf(ev.question, analysis),
      ref: faq.entry.sourceRef,
    };
  }

  const best = choice.best;
  if (ev.confident && best) {
    const doc = best.doc;
    const sources = toSources(result.documents, { ref: doc.ref, title: doc.title, url: doc.url, score: doc.score });
    const worded = writer
      ? await groundedWording(ev.question, result.documents, writer.model, writer.prompts)
      : undefined;
    let body: string;
    let cite = sourceLine(doc.title, doc.url);
    if (worded) body = worded;
    else {
      body = passageText(best.passage, result.queryTerms);
      const second = await secondPart(ev, best, search);
      if (second) {
        body += `\n\n${passageText(second.passage, result.queryTerms, SECOND_PART_CHARS)}`;
        if (second.doc.ref !== doc.ref) cite += `\n${sourceLine(second.doc.title, second.doc.url)}`;
      }
    }
    return {
      kind: 'passage',
      confident: true,
      text: `${body}\n\n${cite}`,
      sources,
      related: relatedOf(result.faqs),
      topic: topicOf(ev.question, analysis),
      ref: doc.ref,
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
  const choices = choicesOf(result, analysis);
  const lines = [T.UNSURE];
  if (choices.length > 0) lines.push(T.DID_YOU_MEAN);
  lines.push(...whereToAsk);
  if (mentionsVneid(question)) lines.push(T.VNEID_LINE);
  // Without passage ids (a search that cannot show a passage later), the closest pages are named instead.
  const maybe = choices.length > 0 ? [] : result.documents.filter((d) => d.best.coverage >= 0.35).slice(0, 2);
  if (maybe.length > 0) lines.push(`${T.RELATED_PAGES}\n${maybe.map((d) => `• ${d.title}`).join('\n')}`);
  return {
    kind: 'unsure',
    confident: false,
    text: lines.join('\n\n'),
    sources,
    related: relatedOf(result.faqs),
    choices,
  };
}

/** The reply to a picked "did you mean" choice: the passage itself with its source. */
export async function answerPassage(id: number, search: KnowledgeSearch): Promise<QaAnswer | undefined> {
  const p = await search.passage?.(id);
  if (!p) return undefined;
  const info = await search.document(p.docRef);
  const title = info?.title ?? p.docRef;
  return {
    kind: 'passage',
    confident: true,
    text: `${passageText(p, [])}\n\n${sourceLine(title, info?.url)}`,
    sources: [{ title, ref: p.docRef, url: info?.url, score: 1 }],
    related: [],
    ref: p.docRef,
  };
}
