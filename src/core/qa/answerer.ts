/**
 * @module core/qa/answerer
 *
 * Answers a resident's question from the knowledge base with no language
 * model: the FAQ answer when the question asks what an FAQ entry asks,
 * otherwise the passage that answers it (with a second one for a question in
 * two parts, or a close neighbour of the same page holding what it lacks),
 * always with its source. When the evidence is weak, or the question is
 * plainly out of scope, it says so honestly, offers the closest pages and
 * points to where to ask, because a wrong answer about a public procedure
 * costs a resident a wasted trip.
 *
 * With a language model (an `AnswerWriter`), retrieval's top passages go to
 * the model, which answers the question actually asked or refuses; "not sure"
 * then comes from its refusal or from retrieval finding nothing relevant, not
 * from the lexical thresholds. Any reply that fails a check, arrives too late
 * or is over budget gives way to the extractive answer above.
 */
import type { KnowledgeSearch } from '../ports.js';
import { companion, evaluate, secondPart, type Evaluated } from './evaluate.js';
import { effectiveQuestion, namesNoTopic, ownTopicTerms, topicOf, topicOfText, topicWords } from './followUp.js';
import { choicesOf, mentionsVneid, passageText, relatedOf, sourceLine, toSources } from './format.js';
import { modelAnswer } from './modelAnswer.js';
import { givenPassages, type GivenPassage } from './modelContext.js';
import { outOfScopeTopic, type OutOfScopeTopic } from './scope.js';
import * as T from './texts.js';
import { tokenize } from '../text/normalize.js';
import {
  DEFAULT_THRESHOLDS,
  type AnswerThresholds,
  type AnswerWriter,
  type AskContext,
  type QaAnswer,
} from './types.js';

export { sourceLine } from './format.js';
export { DEFAULT_THRESHOLDS } from './types.js';
export type {
  AnswerChoice,
  AnswerKind,
  AnswerSource,
  AnswerThresholds,
  AnswerWriter,
  AskContext,
  FallbackReason,
  ModelEvent,
  QaAnswer,
} from './types.js';

/** Longest text of the passage answering the second part of a two-part question. */
const SECOND_PART_CHARS = 380;
/**
 * With a model, an approved FAQ answer goes out word for word only for a
 * close rewording of its entry: nearly the same words both ways. Otherwise it
 * is one passage among the others and the model answers what was asked.
 */
const CLOSE_REWORDING = { similarity: 0.75, coverage: 0.85 };

/** Answers one question; never throws for odd input (empty, emoji, very long). */
export async function answerQuestion(
  question: string,
  search: KnowledgeSearch,
  thresholds: AnswerThresholds = DEFAULT_THRESHOLDS,
  writer?: AnswerWriter,
  context: AskContext = {},
): Promise<QaAnswer> {
  const topic = outOfScopeTopic(question);
  const outOfScope = topic !== undefined;
  const followUp = context.previousTopic ? effectiveQuestion(question, context.previousTopic) : undefined;
  // A question with no topic word of its own is read in the last topic only ("có mất tiền không" after
  // "mức 2" is about mức 2). Any other follow-up is first read alone, and kept so when it is sure and names
  // the subject of the page it is answered from ("còn mất thẻ căn cước thì làm lại ở đâu" after "thẻ BHYT";
  // "làm thẻ căn cước lần đầu có mất tiền không" after "lý lịch tư pháp"). Otherwise a leaning ("còn…") or
  // short one ("hạn bao lâu?" after "khai tử ở đâu", which alone matches "thẻ căn cước có hạn bao lâu") is
  // read in the last topic, and a longer one only when it cannot be answered alone.
  const page = context.previousRef;
  const ownTerms = followUp ? ownTopicTerms(question).length : 0;
  const bare = followUp !== undefined && ownTerms === 0;
  let ev = bare
    ? await evaluate(followUp.question, search, thresholds, outOfScope, page)
    : await evaluate(question, search, thresholds, outOfScope);
  if (followUp && !bare) {
    const leans = followUp.elliptic || ownTerms <= SHORT_FOLLOW_UP_TERMS;
    const own = ev.confident && (await namesPageSubject(ev, question, search));
    if (!own && (!ev.confident || leans)) {
      const joined = await evaluate(followUp.question, search, thresholds, outOfScope, page);
      if (joined.confident || (followUp.elliptic && !ev.confident)) ev = joined;
    }
  }
  const { result, analysis } = ev;
  const whereToAsk = context.whereToAsk && context.whereToAsk.length > 0 ? context.whereToAsk : [T.WHERE_TO_ASK];
  // "cần giấy tờ gì?" with nothing before it: any page would be a guess, so ask what it is about.
  if (!followUp && namesNoTopic(question) && analysis.intents.length > 0) {
    return {
      kind: 'unclear',
      confident: false,
      text: T.NEED_TOPIC,
      sources: toSources(result.documents),
      related: relatedOf(result.faqs),
    };
  }
  if (writer) {
    const answered = await withModel(ev, question, search, writer, context.signal ?? writer.deadline?.(), context);
    if (answered === 'refused') return unsureAnswer(ev, question, whereToAsk, topic);
    if (answered) return answered;
  }
  return extractiveAnswer(ev, question, search, whereToAsk, topic);
}

/** Topic words a follow-up may name of its own and still be read in the last topic first. */
const SHORT_FOLLOW_UP_TERMS = 2;

/** The page an evaluation would answer from: its FAQ entry's source, else its best passage's page. */
function answeringPage(ev: Evaluated): string | undefined {
  return ev.choice.faq?.match.entry.sourceRef ?? ev.choice.best?.doc.ref;
}

/**
 * True when the question names the subject of the page the evaluation answers
 * from: two or more of its topic words are in that page's title ("thẻ căn
 * cước" in "Thẻ căn cước, căn cước công dân…"). One word ("học", "khai") is
 * too common to tell a new subject from a follow-up.
 */
async function namesPageSubject(ev: Evaluated, question: string, search: KnowledgeSearch): Promise<boolean> {
  const ref = answeringPage(ev);
  const words = topicWords(question);
  if (ref === undefined || words.length < 2) return false;
  const title = ev.result.documents.find((d) => d.ref === ref)?.title ?? (await search.document(ref))?.title ?? '';
  const inTitle = new Set(tokenize(title));
  return words.filter((t) => inTitle.has(t)).length >= 2;
}

/**
 * The model's answer from the passages, 'refused' when it says they do not
 * answer, or undefined when the extractive answer must go out (out of scope,
 * a close rewording of an approved FAQ, nothing relevant found, or a reply
 * that failed a check, timed out or was over budget).
 */
async function withModel(
  ev: Evaluated,
  question: string,
  search: KnowledgeSearch,
  writer: AnswerWriter,
  signal: AbortSignal | undefined,
  context: AskContext,
): Promise<QaAnswer | 'refused' | undefined> {
  if (outOfScopeTopic(question) !== undefined && !ev.confident) return undefined;
  const faq = ev.choice.faq;
  if (
    ev.confident &&
    faq &&
    faq.match.similarity >= CLOSE_REWORDING.similarity &&
    (faq.match.questionCoverage ?? faq.match.similarity) >= CLOSE_REWORDING.coverage &&
    (faq.match.entryCoverage ?? faq.match.similarity) >= CLOSE_REWORDING.coverage
  )
    return undefined;
  const given = await givenPassages(ev, search);
  if (given.length === 0) return undefined;
  const outcome = await modelAnswer(ev.question, given, writer, signal, context.draft);
  if (outcome.kind === 'refused') return 'refused';
  if (outcome.kind === 'fallback') return undefined;
  const docs: GivenPassage[] = [];
  for (const g of outcome.cited) if (!docs.some((d) => d.ref === g.ref)) docs.push(g);
  const first = docs[0];
  return {
    kind: 'passage',
    confident: true,
    text: `${outcome.text}\n\n${docs.map((d) => sourceLine(d.title, d.url)).join('\n')}`,
    sources: docs.map((d) => ({ title: d.title, ref: d.ref, url: d.url, score: Math.round(d.score * 1000) / 1000 })),
    related: relatedOf(ev.result.faqs, outcome.cited.find((g) => g.approved)?.id.slice('faq:'.length)),
    topic: topicOf(ev.analysis),
    ref: first?.ref,
  };
}

/** The answer without a model: the FAQ answer or the passage when sure, else "not sure" or out of scope. */
async function extractiveAnswer(
  ev: Evaluated,
  question: string,
  search: KnowledgeSearch,
  whereToAsk: readonly string[],
  topic: OutOfScopeTopic | undefined,
): Promise<QaAnswer> {
  const { result, choice, analysis } = ev;
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
      topic: topicOf(analysis),
      ref: faq.entry.sourceRef,
      faqId: faq.entry.id,
    };
  }

  const best = choice.best;
  if (ev.confident && best) {
    const doc = best.doc;
    const sources = toSources(result.documents, { ref: doc.ref, title: doc.title, url: doc.url, score: doc.score });
    let body = passageText(best.passage, result.queryTerms);
    let cite = sourceLine(doc.title, doc.url);
    const part = await secondPart(ev, best, search);
    const second = part?.candidate ?? companion(ev, best);
    if (second) {
      const more = passageText(second.passage, result.queryTerms, SECOND_PART_CHARS);
      // The passage for the part asked first goes first.
      body = part?.first ? `${more}\n\n${body}` : `${body}\n\n${more}`;
      if (second.doc.ref !== doc.ref) cite += `\n${sourceLine(second.doc.title, second.doc.url)}`;
    }
    return {
      kind: 'passage',
      confident: true,
      text: `${body}\n\n${cite}`,
      sources,
      related: relatedOf(result.faqs),
      topic: topicOf(analysis),
      ref: doc.ref,
    };
  }
  return unsureAnswer(ev, question, whereToAsk, topic);
}

/** "Not sure" (or out of scope), with the closest pages offered and where to ask in person. */
function unsureAnswer(
  ev: Evaluated,
  question: string,
  whereToAsk: readonly string[],
  topic: OutOfScopeTopic | undefined,
): QaAnswer {
  const { result, choice } = ev;
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
  const choices = choicesOf(choice.ranked);
  const lines = [T.UNSURE, ...whereToAsk];
  if (mentionsVneid(question)) lines.push(T.VNEID_LINE);
  // The choices come last, right above the buttons they introduce. Without passage ids (a search
  // that cannot show a passage later), the closest pages are named instead.
  if (choices.length > 0) lines.push(T.DID_YOU_MEAN);
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
  // A follow-up after the pick ("làm ở đâu?") is about the section picked: its heading names the topic.
  const asked = p.heading.split(' › ').pop()?.trim() || title;
  return {
    kind: 'passage',
    confident: true,
    text: `${passageText(p, [])}\n\n${sourceLine(title, info?.url)}`,
    sources: [{ title, ref: p.docRef, url: info?.url, score: 1 }],
    related: [],
    topic: topicOfText(asked),
    ref: p.docRef,
  };
}
