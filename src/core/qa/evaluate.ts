/**
 * @module core/qa/evaluate
 *
 * Decides whether the assistant is sure: it analyses the question, searches
 * with what it asks, chooses the FAQ entry or passage that answers it, and
 * weighs that evidence against the thresholds. Also finds the passage for the
 * second part of a two-part question.
 */
import type { KnowledgeSearch, SearchResult } from '../ports.js';
import { choose, offerFor, rankCandidates, saysNothing, type Candidate, type Choice } from './choose.js';
import { ownTopicTerms } from './followUp.js';
import { MAX_SOURCES } from './format.js';
import { holdsAsked } from './holds.js';
import { intentFit } from './intent.js';
import { analyzeQuestion, type AnalyzedQuestion } from './question.js';
import { tokenize } from '../text/normalize.js';
import type { AnswerThresholds } from './types.js';

/**
 * An FAQ entry is considered from this share of the FAQ threshold on: the
 * intent and two-way coverage checks of `choose` decide, not similarity alone.
 */
const FAQ_SIMILARITY_SHARE = 0.6;
/** Questions with more topic words than this get the long-question relief. */
const LONG_QUESTION_TERMS = 6;

/**
 * A message with this many topic words tells a story: a letter about the
 * writer's own case ("Tôi đóng BHXH 11 tháng rồi nghỉ… có được…?"). Sharing
 * much of its vocabulary is weak evidence then, since every section on the
 * same benefit or card shares it whatever case the section treats.
 */
const STORY_TERMS = 15;

/**
 * True when a story is answered by a section whose own heading asks what the
 * story asks (a yes/no heading for a yes/no question counts). Measured with
 * bench:qa on the real-question tuning half against the knowledge of 65c2d24
 * (before pages were written for its misses): confident & wrong 0.142 → 0.123,
 * useful 0.645 → 0.652; on current knowledge confident & wrong 0.032 → 0.019,
 * useful, golden set and follow-ups unchanged. Demanding the precise intent in
 * the heading (yes/no headings not counted) cut more wrong answers (0.103) but
 * also right ones written as yes/no sections (useful 0.890 → 0.839).
 */
function storyAnswered(analysis: AnalyzedQuestion, c: Candidate): boolean {
  if (analysis.terms.length < STORY_TERMS || analysis.intents.length === 0) return true;
  const heading = offerFor(c.passage).heading;
  return analysis.intents.some((i) => heading.has(i));
}

/** A passage that fits what is asked may cover this much less of the question's words. */
const FIT_RELIEF = 0.1;

/**
 * Coverage a passage needs, given how well it fits what is asked. Only a
 * section's own heading counts against it: a page's opening is judged by the
 * page title for ranking, not for whether to answer.
 */
function passes(c: Candidate, base: number): boolean {
  const headingMismatch = c.passage.heading ? c.mismatch : 0;
  return c.passage.coverage + FIT_RELIEF * c.fit - 0.5 * headingMismatch >= base;
}

/**
 * For a question in two parts ("…có phải lên huyện không, có mất tiền
 * không?"), a passage for the part the chosen one does not answer: searched
 * with that part and the topic of the first, and taken from the same pages
 * (or the pages retrieval already ranked), so the cost of "mức 2" is not
 * answered with the cost of an emergency call. The chosen passage may answer
 * the second part ("cơ quan nào …, giấy tờ gì?" shown the papers): the first
 * part is then the one left, and its passage goes first, in the order asked.
 */
export async function secondPart(
  ev: Evaluated,
  best: Candidate,
  search: KnowledgeSearch,
): Promise<{ readonly candidate: Candidate; readonly first: boolean } | undefined> {
  const { analysis, result } = ev;
  if (analysis.parts.length < 2) return undefined;
  const pages = new Set([best.doc.ref, ...result.documents.slice(0, 3).map((d) => d.ref)]);
  const offer = offerFor(best.passage);
  for (const [i, part] of analysis.parts.entries()) {
    if (part.intents.length === 0) continue;
    if (intentFit(part.intents, offer) >= 0.5) continue;
    const other = i === 0 ? undefined : analysis.parts[0];
    const topic = other ? ownTopicTerms(other.text).join(' ') : '';
    const query = `${topic} ${part.text}`.trim();
    const found = await search.search(query, MAX_SOURCES);
    // Another page may answer this part if retrieval ranked it for the whole question, or if the part
    // was searched with the first part's topic ("mức 2 … có mất tiền không" finds the VNeID fee page).
    // The first part is searched alone, and alone it matches any page sharing two words: a passage on
    // naming a child's father ("xác định") would answer "độ tuổi đổi căn cước xác định thế nào".
    const pick = rankCandidates(found, part.intents, query).find(
      (c) =>
        c.passage.text !== best.passage.text &&
        !saysNothing(c.passage.heading, c.passage.text) &&
        c.fit >= 0.5 &&
        c.mismatch <= 0.25 &&
        c.passage.coverage >= 0.35 &&
        (pages.has(c.doc.ref) || (other !== undefined && (c.passage.ownCoverage ?? c.passage.coverage) >= 0.3)),
    );
    if (pick) return { candidate: pick, first: i === 0 && intentFit(analysis.parts[1]?.intents ?? [], offer) >= 0.5 };
  }
  return undefined;
}

/** How far below the chosen passage a neighbour of the same page may rank and still join the answer. */
const COMPANION_SLACK = 0.1;

/**
 * A second passage of the same page that holds words of the question the
 * chosen one lacks: a long question ("…phải làm ở đâu, mang giấy tờ gì?")
 * often asks what two neighbouring sections answer, and one section alone
 * leaves the resident half answered. Only a close rival of the same page
 * qualifies, so the answer does not drift to another topic.
 */
export function companion(ev: Evaluated, best: Candidate): Candidate | undefined {
  const asked = new Set(ev.result.queryTerms);
  if (asked.size === 0) return undefined;
  const words = (c: Candidate): Set<string> => new Set(tokenize(`${c.passage.heading} ${c.passage.text}`));
  const have = words(best);
  for (const c of ev.choice.ranked) {
    if (c === best || c.doc.ref !== best.doc.ref) continue;
    if (c.value < best.value - COMPANION_SLACK) break;
    if (saysNothing(c.passage.heading, c.passage.text)) continue;
    const w = words(c);
    if ([...asked].some((t) => w.has(t) && !have.has(t))) return c;
  }
  return undefined;
}

export interface Evaluated {
  readonly question: string;
  readonly analysis: AnalyzedQuestion;
  readonly result: SearchResult;
  readonly choice: Choice;
  readonly confident: boolean;
}

export async function evaluate(
  question: string,
  search: KnowledgeSearch,
  thresholds: AnswerThresholds,
  outOfScope: boolean,
  /** The page a follow-up leans on (the previous answer's): its sections that offer what is asked come first. */
  preferRef?: string,
): Promise<Evaluated> {
  const analysis = analyzeQuestion(question);
  const result = await search.search(analysis.focus, MAX_SOURCES);
  const chosen = choose(result, analysis, thresholds.faq * FAQ_SIMILARITY_SHARE, preferRef);
  // Sure only of an answer that holds what is asked (an amount, a duration, a place, papers).
  const holds = (text: string): boolean => holdsAsked(analysis, text);
  // An FAQ entry whose answer lacks it is not the answer, whatever else is sure.
  const choice: Choice =
    chosen.faq && !holds(chosen.faq.match.entry.answer) ? { best: chosen.best, ranked: chosen.ranked } : chosen;
  const need = (base: number): number => (outOfScope ? Math.max(base, thresholds.outOfScopeOverride) : base);
  const faqOk = choice.faq !== undefined && (!outOfScope || choice.faq.coverage >= thresholds.outOfScopeOverride);
  const extra = Math.max(0, analysis.terms.length - LONG_QUESTION_TERMS) * (thresholds.longQuestionRelief ?? 0);
  const base = Math.max(thresholds.passage - extra, Math.min(thresholds.passage, thresholds.passageFloor ?? 1));
  const best = choice.best;
  // A story's case is not answered by a section on its topic that asks something else.
  const passageOk =
    best !== undefined &&
    passes(best, need(base)) &&
    storyAnswered(analysis, best) &&
    holds(`${best.passage.heading}\n${best.passage.text}`);
  return { question, analysis, result, choice, confident: faqOk || passageOk };
}
