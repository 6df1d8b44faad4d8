/**
 * @module core/qa/question
 *
 * Finds the question inside a resident's message. Real messages tell a story
 * first ("Tôi năm nay 68 tuổi, con cái đi làm xa…") and ask one or two things
 * at the end ("…có phải lên huyện không, có mất tiền không?"). Searching with
 * the whole story dilutes the topic with words no page is about, and the
 * answer then covers neither part. So the message is cut into clauses, the
 * clauses that ask something become the parts to answer, and the topic words
 * of the whole message are kept apart so a short part ("có mất tiền không")
 * still knows what it is about.
 */
import { contentTokens } from '../text/stopwords.js';
import { hasVietnameseMarks, tokenize } from '../text/normalize.js';
import { withoutNames } from '../text/names.js';
import { repairTypedWords } from '../text/typing.js';
import { GENERIC } from './followUp.js';
import { foldedWords, intentsOf, isQuestionClause, type Intent } from './intent.js';

export interface QuestionPart {
  /** The clause as written (with the clause before it when it alone names no topic). */
  readonly text: string;
  readonly intents: readonly Intent[];
}

export interface AnalyzedQuestion {
  /** What to search with: the asking clauses and what they are about, without the story. */
  readonly focus: string;
  /** One part per asked thing; at most three, in the order asked. */
  readonly parts: readonly QuestionPart[];
  /** Intents of the whole message, in order of appearance. */
  readonly intents: readonly Intent[];
  /** Topic syllables of the focus. */
  readonly terms: readonly string[];
}

const MAX_PARTS = 3;
/** A clause with fewer topic words than this borrows the clause before it. */
const MIN_OWN_TERMS = 2;

/** A clause and the sentence it belongs to (a short question borrows its topic only within its sentence). */
interface Clause {
  readonly text: string;
  readonly sentence: number;
}

/**
 * "Vậy xin hỏi", "Cho tôi hỏi", "Nhờ luật sư tư vấn": phrases that announce
 * the question without being one. They are dropped, and the clause after
 * them is taken as asking.
 */
const REQUEST =
  /^(?:(?:vay|the|nen|do do|cho|xin|toi|em|chau|minh|anh|chi|ong|ba|co|thua|luat su|ban bien tap|muon|duoc|phep|nho|mong|giup|vui long)\s+)*(?:hoi|hoi la|hoi ve|hoi nhu sau|giai dap|tu van|huong dan)(?:\s+(?:giup|voi|a|nhu sau|the nay|van de nay|truong hop nay))*$/;

function isRequest(text: string): boolean {
  return REQUEST.test(foldedWords(text).trim());
}

/**
 * Words that join two clauses. Typed without marks, "nhưng" and "còn" read
 * as "những" and "con" (child), which are far more common inside a clause
 * ("những giấy tờ gì", "làm căn cước cho con"), so text without marks is cut
 * only at the unambiguous joints. After "không", "vẫn", "chỉ" and the like,
 * "còn" means "still" or "left" ("không còn đi làm", "vẫn còn hạn"), not
 * "and as for": no cut there.
 */
const JOINT_MARKED =
  /,\s*|\s+(?=(?:nhưng|hay là|hoặc)\s)|(?<!(?:^|\s)(?:không|chẳng|vẫn|cũng|chỉ|chưa|có|mà|đang))\s+(?=còn\s)/iu;
const JOINT_UNMARKED = /,\s*|\s+(?=(?:hay la|hoac)\s)/u;

function clauseList(text: string): Clause[] {
  const out: Clause[] = [];
  const joint = hasVietnameseMarks(text) ? JOINT_MARKED : JOINT_UNMARKED;
  // "ạ" closes a spoken sentence: "…cùng lúc được ko ạ nếu được thì…" is two sentences typed without a stop.
  text.split(/(?<=[.?!？;:…])\s+|(?<=\sạ)\s+(?=\p{L})|\n+/u).forEach((sentence, i) => {
    for (const clause of sentence.split(joint)) {
      const c = clause.trim();
      if (c && /[\p{L}\p{N}]/u.test(c)) out.push({ text: c, sentence: i });
    }
  });
  return out;
}

/** Sentences, then clauses at commas and "còn/nhưng/hoặc" joints; empty pieces dropped. */
export function clausesOf(text: string): string[] {
  return clauseList(text).map((c) => c.text);
}

function termsOf(text: string): string[] {
  return [...new Set(contentTokens(tokenize(text)))];
}

/**
 * Amounts and ages in a story ("chuyển khoản 5 triệu", "năm nay 68 tuổi",
 * "thùng hàng 31kg") are details of the case, not the topic: no page repeats
 * them, and searching with them only lowers the evidence for the right page.
 * A child's age stays. A number that names something ("mức 2", "10/10", "113") has no unit after it
 * and stays.
 */
const QUANTITY =
  /(^|[\s(,])\d+(?:[.,]\d+)?\s*(?:triệu|trieu|nghìn|nghin|ngàn|ngan|đồng|đ|vnđ|vnd|tuổi|tuoi|kg|năm trước|nam truoc|tháng trước|thang truoc|ngày trước|ngay truoc)(?=$|[\s.,;:!?)])/giu;

export function withoutQuantities(text: string): string {
  const out = text
    // A child's age decides the procedure (under 6, 6 to 14): it stays.
    .replace(QUANTITY, (m: string, lead: string) =>
      /tu[oổ]i/iu.test(m) && parseFloat(m.replace(/^\D+/, '')) < 18 ? m : lead,
    )
    .replace(/\s{2,}/g, ' ')
    .trim();
  return out || text;
}

/**
 * "theo quy định của pháp luật hiện hành", "theo quy định hiện nay": letters
 * to a newspaper's legal column wrap every question in this, and every page
 * of the knowledge base is about the rules in force, so the words only dilute
 * what the question is about.
 */
const FORMALITY =
  /\s*\b(?:theo|căn cứ|can cu)\s+(?:(?:các|cac|những|nhung)\s+)?(?:quy định|quy dinh)(?:\s+(?:của|cua))?(?:\s+(?:pháp luật|phap luat|luật|luat|nhà nước|nha nuoc))?(?:\s+(?:hiện hành|hien hanh|hiện nay|hien nay|mới nhất|moi nhat|mới|moi))?\b/giu;

/**
 * Letters to a newspaper's legal column speak to whoever answers ("Xin chào
 * Luật sư X", "nhờ Luật sư tư vấn", "kính gửi Tòa soạn"): the addressee is
 * never what is asked about, and "luật sư" would send the search to pages on
 * lawyers' help.
 */
const ADDRESSEE =
  /(?<![\p{L}\p{N}])(?:(?:xin\s+)?(?:chào|chao|kính gửi|kinh gui)\s+)?(?:luật sư|luat su|tòa soạn|toà soạn|toa soan|ban biên tập|ban bien tap|quý báo|quy bao)(?:\s+X(?![\p{L}\p{N}]))?(?![\p{L}\p{N}])/giu;

/**
 * "Tôi muốn nhờ luật sư tư vấn về việc đổi bằng lái": the request wraps what
 * is asked inside the same clause, and "tư vấn", "về việc" are not its topic.
 */
const ASKING_FOR_ADVICE =
  /(?<![\p{L}\p{N}])(?:(?:tôi|toi|em|mình|minh|cháu|chau)\s+)?(?:(?:muốn|muon|xin)\s+)?(?:nhờ|nho|được|duoc)\s+(?:(?:luật sư|luat su|tòa soạn|toa soan)\s+)?(?:tư vấn|tu van|giải đáp|giai dap)(?:\s+(?:giúp|giup|dùm|dum))?(?:\s+(?:về việc|ve viec|về|ve))?(?![\p{L}\p{N}])/giu;

export function withoutFormalities(text: string): string {
  return (
    text
      .replace(FORMALITY, '')
      .replace(ASKING_FOR_ADVICE, '')
      .replace(ADDRESSEE, '')
      .replace(/\s{2,}/g, ' ')
      .trim() || text
  );
}

/**
 * Topic words whose syllables also ask something once marks are folded:
 * "căn cước" reads "can cuoc", and "can" is "cần". Inside these words the
 * syllables are the topic.
 */
const FOLDED_TOPICS = [' can cuoc '];

/** Topic words of a clause, the words that only ask left out. */
function topicTermCount(text: string): number {
  const folded = foldedWords(text);
  const own = new Set(termsOf(text).filter((t) => !GENERIC.has(t)));
  for (const phrase of FOLDED_TOPICS) if (folded.includes(phrase)) for (const t of phrase.trim().split(' ')) own.add(t);
  return own.size;
}

/** Splits a message into the parts it asks; a message with no asking clause is one part. */
export function analyzeQuestion(message: string): AnalyzedQuestion {
  let text = withoutFormalities(withoutQuantities(withoutNames(repairTypedWords(message))));
  const list = clauseList(text);
  // A request phrase makes the clause after it the question, and is dropped itself.
  const afterRequest = new Set<number>();
  const kept: Clause[] = [];
  list.forEach((c) => {
    if (isRequest(c.text)) afterRequest.add(kept.length);
    else kept.push(c);
  });
  const clauses = kept.map((c) => c.text);
  const asking = kept.map((c, i) => afterRequest.has(i) || isQuestionClause(c.text));
  const askIdx = asking.flatMap((a, i) => (a ? [i] : []));
  // No clause asks (a complaint such as "máy cũ reset nên không vào được VNeID"): the whole message is the question.
  if (askIdx.length === 0 || clauses.length <= 1) {
    if (clauses.length === 1 && kept.length < list.length) text = clauses[0] ?? text;
    const terms = termsOf(text);
    const intents = intentsOf(text);
    return { focus: text, parts: [{ text, intents }], intents, terms };
  }
  const focusIdx = new Set<number>();
  const parts: QuestionPart[] = [];
  for (const i of askIdx) {
    let start = i;
    // A short asking clause takes the clause(s) before it, where its topic usually is.
    const own = termsOf(clauses[i] ?? '').length;
    while (
      start > 0 &&
      termsOf(clauses.slice(start, i + 1).join(', ')).length < MIN_OWN_TERMS &&
      (own === 0 || kept[start - 1]?.sentence === kept[i]?.sentence)
    )
      start--;
    for (let k = start; k <= i; k++) focusIdx.add(k);
    const partText = clauses.slice(start, i + 1).join(', ');
    const intents = intentsOf(clauses[i] ?? '');
    const prev = parts[parts.length - 1];
    // Consecutive clauses asking the same thing are one part ("ở đâu, chỗ nào").
    if (prev && intents.every((x) => prev.intents.includes(x))) {
      parts[parts.length - 1] = { text: `${prev.text}, ${clauses[i] ?? ''}`, intents: prev.intents };
      continue;
    }
    parts.push({ text: partText, intents });
  }
  // When the asking clauses name hardly any topic, the story holds it: keep the clause just before.
  let focusText = [...focusIdx]
    .sort((a, b) => a - b)
    .map((i) => clauses[i])
    .join(', ');
  // "Tôi nên làm gì trong trường hợp này?" names no topic: the story before it is what it is about.
  if (topicTermCount(focusText) < MIN_OWN_TERMS) focusText = text;
  const intents = [...new Set(parts.flatMap((p) => p.intents))];
  return {
    focus: focusText,
    parts: parts.slice(0, MAX_PARTS),
    intents,
    terms: termsOf(focusText),
  };
}
