/**
 * @module core/text/stopwords
 *
 * Folded syllables that carry the *form* of a question rather than its topic
 * ("làm sao", "cho mình hỏi", "ạ"). They still take part in bigrams, but they
 * are left out when we measure how much of a question a passage covers, so
 * "cho em hỏi thời tiết hôm nay thế nào" is not judged by its politeness.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a ah ak oi vay ve voi va la thi ma cua cho toi minh em anh chi ong ba ban bac chau co chu ' +
    'hoi xin vui long giup gium lam sao the nao nhu gi duoc khong chua roi nay do kia day dau o ' +
    'trong tren duoi ra vao len xuong khi neu de nhung cac mot nhieu it rat qua lai cung deu ' +
    'hay hoac tu sau truoc bi muon phai nen se da vua biet xem hieu noi bao gio luc vi nguoi ' +
    'nhe nha a_oi '
  )
    .split(/\s+/)
    .filter(Boolean),
);

/** Question tokens that say what is asked about (topic words), in order. */
export function contentTokens(tokens: readonly string[]): string[] {
  return tokens.filter((t) => !STOPWORDS.has(t));
}

/**
 * Folded syllables that say what kind of answer is wanted (papers, cost,
 * place, time, steps) rather than what the question is about. A passage that
 * shares only these ("cần mang theo gì" with a page about birth papers) has
 * not found the topic, so they count for little in coverage; the answerer
 * reads them as intent instead.
 */
export const ASKING_WORDS: ReadonlySet<string> = new Set(
  (
    'giay to mat tien phi le bao lau nhieu ngay can lam gi dau the nao sao ton mien tra khi gio may dong mang theo ' +
    'chuan bi huong dan cach buoc o phai co khong duoc a vay nua them thi con'
  ).split(/\s+/),
);
