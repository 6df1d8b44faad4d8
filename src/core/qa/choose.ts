/**
 * @module core/qa/choose
 *
 * Picks what answers a question among what retrieval found: an FAQ entry or
 * one passage (and, for a two-part question, a second passage for the second
 * part). Retrieval ranks pages by topic; inside the right page the passage
 * that answers is the one that offers what is asked (a definition, steps, a
 * place, papers, a cost), so the choice weighs topic coverage and intent fit
 * together. An FAQ entry wins only when it asks the same thing as the
 * resident and covers at least as much of the question as the best passage:
 * sharing words is not enough ("tài khoản định danh là gì" is not "có mức 3
 * không").
 */
import type { DocumentHit, FaqMatch, PassageHit, SearchResult } from '../ports.js';
import { compatible, intentFit, intentsOf, offerOf, sharePrecise, type Intent, type PassageOffer } from './intent.js';
import type { AnalyzedQuestion } from './question.js';
import { GENERIC } from './followUp.js';
import { LruCache } from '../lruCache.js';
import { tokenize } from '../text/normalize.js';
import { contentTokens } from '../text/stopwords.js';
import { SYNONYM_GROUPS } from '../text/synonyms.js';
import { withoutPageTalk } from './trim.js';

/** Weight of intent fit against topic coverage when ranking passages of the top documents. */
const INTENT_WEIGHT = 0.18;
/** Passages from documents ranked below this are not considered for the answer. */
const TOP_DOCS = 5;
/** Bonus of a passage by the rank of its document: retrieval's order still counts a little. */
const RANK_BONUS = [0.03, 0.015];
/**
 * Share of a passage's value that comes from its page's coverage (title
 * included); the rest comes from what the passage itself says.
 */
const PAGE_SHARE = 0.3;
/** Bonus of a section of the page a follow-up leans on, when it offers what is asked. */
const SAME_PAGE_BONUS = 0.15;
/** Penalty for a section whose question-heading is about more than the resident asked. */
const HEADING_MISMATCH = 0.25;
/** A passage this far below the best document's best passage in coverage is not a rival. */
const COVERAGE_SLACK = 0.3;
/** FAQ entries are written by staff for exactly one question: a small preference when they tie. */
const FAQ_PREFERENCE = 0.04;

export interface Candidate {
  readonly passage: PassageHit;
  readonly doc: DocumentHit;
  readonly fit: number;
  readonly value: number;
  /** How much the section's heading asks about things the question does not mention (0 = nothing). */
  readonly mismatch: number;
}

export interface FaqCandidate {
  readonly match: FaqMatch;
  readonly coverage: number;
  readonly value: number;
}

export interface Choice {
  /** The best passage, when any passage was found. */
  readonly best?: Candidate;
  /** An FAQ entry that asks what the resident asks and covers the question at least as well. */
  readonly faq?: FaqCandidate;
  /** Every candidate passage, best first (the closest pages offered when the answer is not sure). */
  readonly ranked: readonly Candidate[];
}

/** Passages that only announce what a page is about say nothing to a resident. */
export function saysNothing(heading: string, text: string): boolean {
  const last = heading.split(' › ').pop() ?? '';
  // "Cần hỏi thêm?" closes most pages with where to ask: it answers no question of its own.
  if (/^\s*(cần hỏi thêm|hỏi thêm ở đâu|muốn hỏi thêm|liên hệ)/iu.test(last)) return true;
  return withoutPageTalk(text).length < 40;
}

/**
 * Share of a question-heading's topic words that the question mentions. A
 * section headed "Mua điện thoại mới thì đăng nhập VNeID thế nào?" answers
 * that case, not "cài VNeID thế nào", although both mention VNeID. Headings
 * that are not questions (section names) are not judged: 1; a page title
 * standing in for the heading of the page's opening always is.
 */
export function headingShare(heading: string, asked: ReadonlySet<string>, isTitle = false): number {
  const last = heading.split(' › ').pop() ?? '';
  if (asked.size === 0 || (!isTitle && !/[?？]\s*$/.test(last))) return 1;
  const tokens = tokenize(last);
  const terms = [...new Set(contentTokens(tokens))].filter((t) => !GENERIC.has(t));
  // "Sau khi đăng ký thì làm gì tiếp?" is about what comes after, which the question must mention.
  const after = / sau khi | truoc khi /.test(` ${tokens.join(' ')} `) && !asked.has('sau') && !asked.has('truoc');
  const share = terms.length === 0 ? 1 : terms.filter((t) => asked.has(t)).length / terms.length;
  return after ? share / 2 : share;
}

/**
 * The question's syllables, with every phrase of a synonym group it uses
 * ("định danh" → "vneid" too), so a heading in the documents' wording is not
 * taken for a different question.
 */
export function askedTerms(question: string): Set<string> {
  const tokens = tokenize(question);
  const text = ` ${tokens.join(' ')} `;
  const out = new Set(tokens);
  for (const group of SYNONYM_GROUPS) {
    if (!group.some((p) => text.includes(` ${p} `))) continue;
    for (const p of group) for (const t of p.split(' ')) out.add(t);
  }
  return out;
}

/** What indexed passages offer, by id: reading it folds the whole text, and the same passages come up again and again. */
const OFFERS = new LruCache<string, PassageOffer>({ maxEntries: 20_000 });

/** `offerOf` for a passage, remembered when the passage has an index id. */
export function offerFor(p: PassageHit): PassageOffer {
  if (p.id === undefined) return offerOf(p.heading, p.text);
  // The length guards against an id reused by a re-ingested, different passage.
  const key = `${p.id}:${p.heading.length}:${p.text.length}`;
  let offer = OFFERS.get(key);
  if (!offer) {
    offer = offerOf(p.heading, p.text);
    OFFERS.set(key, offer);
  }
  return offer;
}

/**
 * A page's opening says what the page's subject is, in whatever words: for
 * "kế hoạch của xã … là gì" it is the definition ("Tháng 7/2025, UBND xã ban
 * hành kế hoạch …"), as much as a passage whose text holds one.
 */
function openingOffer(offer: PassageOffer): PassageOffer {
  if (offer.text.has('definition')) return offer;
  return { heading: offer.heading, text: new Set([...offer.text, 'definition']) };
}

function candidatesOf(result: SearchResult): PassageHit[] {
  return result.passages && result.passages.length > 0 ? [...result.passages] : result.documents.map((d) => d.best);
}

/** Ranks the passages of the top documents by coverage of the question and fit to what it asks. */
export function rankCandidates(
  result: SearchResult,
  intents: readonly Intent[],
  question = '',
  preferRef?: string,
): Candidate[] {
  const asked = askedTerms(question);
  const docs = result.documents.slice(0, TOP_DOCS);
  if (docs.length === 0) return [];
  const topCoverage = Math.max(...docs.map((d) => d.best.coverage));
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const p of candidatesOf(result)) {
    const doc = docs.find((d) => d.ref === p.docRef);
    if (!doc) continue;
    const key = `${p.docRef}\u0000${p.id ?? p.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (p.coverage < topCoverage - COVERAGE_SLACK) continue;
    const fit = intentFit(intents, p.heading ? offerFor(p) : openingOffer(offerFor(p)));
    const rankBonus = RANK_BONUS[docs.indexOf(doc)] ?? 0;
    // A follow-up ("làm ở đâu?") asks about the page just answered: its section that offers what is asked wins
    // over another page's section sharing the same asking words ("căn cước … giấy tờ gì" for a child's card).
    const samePage = preferRef !== undefined && p.docRef === preferRef && (intents.length === 0 || fit >= 0.5);
    const own = p.ownCoverage ?? p.coverage;
    // A page's opening has no heading of its own: it is about the page's title.
    const mismatch = HEADING_MISMATCH * (1 - headingShare(p.heading || doc.title, asked, !p.heading));
    const value =
      PAGE_SHARE * p.coverage +
      (1 - PAGE_SHARE) * own +
      INTENT_WEIGHT * fit +
      rankBonus +
      (samePage ? SAME_PAGE_BONUS : 0) -
      mismatch -
      (saysNothing(p.heading, p.text) ? 0.5 : 0);
    out.push({ passage: p, doc, fit, value, mismatch });
  }
  out.sort((a, b) => b.value - a.value);
  return out;
}

function faqIntents(m: FaqMatch): Intent[] {
  return intentsOf(m.phrasing ?? m.entry.question);
}

/**
 * The FAQ entry that really answers the question, if any: the same intent,
 * most of the question's topic in the entry, and nothing important of the
 * entry missing from the question (it would be a more specific question).
 */
export function bestFaq(
  faqs: readonly FaqMatch[],
  intents: readonly Intent[],
  minSimilarity: number,
): FaqCandidate | undefined {
  let best: FaqCandidate | undefined;
  for (const m of faqs) {
    if (m.similarity < minSimilarity) continue;
    const qCov = m.questionCoverage ?? m.similarity;
    const eCov = m.entryCoverage ?? m.similarity;
    if (qCov < 0.7 || eCov < 0.7) continue;
    const own = faqIntents(m);
    if (!compatible(intents, own)) continue;
    // A question that asks something the entry's own question does not ask ("ở đâu" vs "là gì") needs the entry to ask it too.
    if (intents.length > 0 && own.length === 0 && intents.some((i) => i !== 'how')) continue;
    // Like a section whose heading asks more than the resident did, an entry about more than was asked
    // ("lương hưu chuyển vào tài khoản của con" for "nhận lương hưu qua ATM") loses to a passage that fits.
    const value =
      qCov +
      // Sharing only the yes/no form ("… được không?") is no evidence of asking the same thing.
      INTENT_WEIGHT * (sharePrecise(intents, own) ? 1 : 0.5) +
      FAQ_PREFERENCE -
      HEADING_MISMATCH * (1 - eCov);
    if (!best || value > best.value) best = { match: m, coverage: qCov, value };
  }
  return best;
}

/** Chooses what answers the question among the search result. */
export function choose(
  result: SearchResult,
  analysis: AnalyzedQuestion,
  minFaqSimilarity: number,
  preferRef?: string,
): Choice {
  const ranked = rankCandidates(result, analysis.intents, analysis.focus, preferRef);
  const best = ranked[0];
  const faq = bestFaq(result.faqs, analysis.intents, minFaqSimilarity);
  if (faq && (!best || faq.value >= best.value)) return { best, faq, ranked };
  return { best, ranked };
}
