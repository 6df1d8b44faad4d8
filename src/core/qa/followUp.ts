/**
 * @module core/qa/followUp
 *
 * Follow-up questions without a language model. After "đăng ký định danh mức
 * 2 thế nào?", a resident asks "làm ở đâu?", "cần giấy tờ gì?", "còn mức 1
 * thì sao?": questions that name what is asked but not what it is about. The
 * topic words of the last answer are kept (a few words, per conversation,
 * expiring after a quiet spell) and added to such a question before it is
 * searched. A question that names a topic of its own is searched as it is.
 */
import { tokenize } from '../text/normalize.js';
import { ASKING_WORDS, contentTokens, STOPWORDS } from '../text/stopwords.js';
import { withoutAsking } from './intent.js';
import type { AnalyzedQuestion } from './question.js';

/** Words that say what is asked (papers, cost, place, time) or only join the sentence: no topic of their own. */
export const GENERIC: ReadonlySet<string> = new Set([
  ...ASKING_WORDS,
  ...(
    'la ho so ai phat nop dang ky xin cap lai moi viec thu tuc cai nay kia ay muc gom nhung ' +
    'thiet bat het tg thoi gian cho noi di den tai vao ra giup hoi tiep vui long ok oke u uh ' +
    'vang da dung roi that truong hop van de nhu nen bay hien toi em minh ket'
  ).split(/\s+/),
]);
/** True when every word of the question only says what is asked, so it says nothing of what it is about. */
export function namesNoTopic(question: string): boolean {
  // "kết quả" (the result) is asked about every procedure; "quả" alone may be "quà" (a gift), so only the pair is dropped.
  const tokens = tokenize(question.replace(/kết quả|ket qua/giu, ' '));
  return tokens.every((t) => ASKING_WORDS.has(t) || STOPWORDS.has(t));
}

/** Openings that make a question lean on the one before ("còn…", "thế…", "vậy…"). */
const LEANING = /^\s*(còn|con|thế còn|the con|thế|the|vậy|vay|vậy thì|vay thi|nếu|neu|rồi|roi|thế thì|the thi)\s/iu;
/** Topic words kept per conversation. */
const MAX_TOPIC_TERMS = 8;

/** The topic words a question contributes, without the words that only say what is asked. */
export function ownTopicTerms(question: string): string[] {
  return [...new Set(contentTokens(tokenize(question)))].filter((t) => !GENERIC.has(t));
}

export interface FollowUp {
  /** The question with the previous topic's words added. */
  readonly question: string;
  /** True when the question names no topic of its own (or leans on the last one): the joined reading wins. */
  readonly elliptic: boolean;
}

/** The question read in the previous topic, when that reading makes sense. */
export function effectiveQuestion(question: string, previousTopic: string): FollowUp | undefined {
  const prev = previousTopic.trim();
  if (!prev) return undefined;
  const own = ownTopicTerms(question);
  const elliptic = own.length === 0 || (LEANING.test(question) && own.length <= 3);
  // A long question with several topic words of its own is a new question, not a follow-up.
  if (!elliptic && own.length > 3) return undefined;
  return { question: `${prev} ${question}`, elliptic };
}

/**
 * What to remember of an answered question: its topic words, at most eight,
 * with their neighbours. Folded, many syllables of a topic are also common
 * words ("khai báo tạm vắng" → "khai bao tam vang": "báo" reads as "bao lâu",
 * "vắng" as "vâng"; "thẻ căn cước" → "the can cuoc": "thế", "cần"), and the
 * topic words alone ("khai tam") send "khai ở đâu?" to another page. So the
 * phrases that ask (ở đâu, là gì) are dropped and each remaining word next to
 * a topic word stays, keeping "khai bao tam vang" and "can cuoc" whole.
 */
export function topicOf(analysis: AnalyzedQuestion): string {
  return topicOfText(analysis.focus);
}

/** `topicOf` for a text read as is (a section's heading picked among "did you mean" choices). */
export function topicOfText(text: string): string {
  return topicWords(text).slice(0, MAX_TOPIC_TERMS).join(' ');
}

/** The words of a text that name its topic, with their neighbours (see `topicOf`), each once. */
export function topicWords(text: string): string[] {
  const tokens = withoutAsking(text).split(' ').filter(Boolean);
  const topical = (t: string | undefined): boolean => t !== undefined && !STOPWORDS.has(t) && !GENERIC.has(t);
  return [...new Set(tokens.filter((t, i) => topical(t) || topical(tokens[i - 1]) || topical(tokens[i + 1])))];
}
