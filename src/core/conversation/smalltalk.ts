/**
 * @module core/conversation/smalltalk
 *
 * Messages that are not questions: greetings, thanks, a call for help, emoji or
 * keyboard mash, and English. They get a short friendly reply instead of a
 * search that would only find noise.
 */
import { foldMarks, tokenize } from '../text/normalize.js';
import { vietnameseShare } from '../text/syllable.js';

export type Smalltalk = 'greeting' | 'thanks' | 'help' | 'nonsense' | 'english';

const GREETING = new Set([
  'xin',
  'chao',
  'hello',
  'hi',
  'alo',
  'helo',
  'hey',
  'chao',
  'ban',
  'em',
  'anh',
  'chi',
  'ad',
  'admin',
  'oi',
  'a',
  'nhe',
  'nha',
  'bot',
  'tro',
  'ly',
  'hocvuso',
  'buoi',
  'sang',
  'trua',
  'chieu',
  'toi',
  'good',
  'morning',
  'co',
  'ai',
  'khong',
  'day',
]);
const THANKS = new Set([
  'thoi',
  'cam',
  'on',
  'thank',
  'thanks',
  'tks',
  'thank_you',
  'you',
  'nhieu',
  'ok',
  'oke',
  'okay',
  'vang',
  'da',
  'duoc',
  'roi',
  'hieu',
  'nhe',
  'nha',
  'a',
  'ban',
  'em',
  'ad',
  'bot',
  'rat',
  'tot',
  'qua',
  'hay',
]);
const HELP_PHRASES = [
  /^\/?(help|start|menu)$/,
  /^(tro giup|huong dan|giup (do|toi|minh|em)|menu|bat dau)( voi)?$/,
  /\b(ban|em|tro ly|bot) (la ai|lam (duoc )?(gi|nhung gi)|giup (duoc )?(gi|nhung gi)|co the (lam|giup) (gi|nhung gi))\b/,
  /^(hoi (gi|nhung gi) (duoc|o day)|dung (nhu the nao|sao))\b/,
];
const ENGLISH_WORDS = new Set([
  'the',
  'what',
  'how',
  'is',
  'are',
  'do',
  'does',
  'can',
  'i',
  'my',
  'you',
  'to',
  'of',
  'in',
  'for',
  'with',
  'where',
  'when',
  'why',
  'please',
  'register',
  'account',
  'password',
]);

/**
 * A thumbs-up, an OK hand, folded hands, a heart or a smile sent on its own:
 * how many residents say "ok, thanks" on Zalo. Not 👎, which is feedback.
 */
const FRIENDLY_EMOJI = /^(?:👍|👌|👏|🙏|❤|♥|💕|💖|💗|😊|🙂|😀|😃|😄|😁|🥰|😍|☺|🤗|🤝|✌|💯|🌹|💐|🌷)+$/u;

/** Classifies a message that is not a real question; `undefined` means "treat it as a question". */
export function classifySmalltalk(text: string): Smalltalk | undefined {
  // Skin tones, variation selectors and joiners ride along with emoji from phone keyboards.
  if (FRIENDLY_EMOJI.test(text.replace(/\s|\uFE0F|\u200D|\uD83C[\uDFFB-\uDFFF]/g, ''))) return 'thanks';
  const folded = foldMarks(text)
    .replace(/[^\p{L}\p{N}/ ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!/[\p{L}\p{N}]/u.test(folded)) return 'nonsense';
  if (HELP_PHRASES.some((re) => re.test(folded))) return 'help';
  const tokens = tokenize(text);
  if (tokens.length === 0) return 'nonsense';
  if (tokens.length <= 6) {
    const joined = tokens.join(' ');
    if (/\b(cam on|thank|thanks|tks)\b/.test(joined) && tokens.every((t) => THANKS.has(t))) return 'thanks';
    if (/\b(xin chao|chao|hello|hi|alo|helo|hey)\b/.test(joined) && tokens.every((t) => GREETING.has(t)))
      return 'greeting';
    if (tokens.every((t) => THANKS.has(t)) && /\b(ok|oke|okay|vang|hieu)\b/.test(joined)) return 'thanks';
  }
  // English: mostly English function words, no Vietnamese marks, and mostly words that cannot be
  // Vietnamese syllables ("can giay to gi" is Vietnamese typed without marks, never English).
  if (foldMarks(text) === text.toLowerCase() || !/[^\x00-\x7F]/.test(text)) {
    const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
    const english = words.filter((w) => ENGLISH_WORDS.has(w)).length;
    if (words.length >= 3 && english / words.length >= 0.3 && vietnameseShare(words) <= 0.5) return 'english';
  }
  // Keyboard mash: one long "word" with no vowel pattern, e.g. "asdfghjkl".
  if (tokens.length === 1 && (tokens[0] ?? '').length >= 7 && !/[aeiouy]{1,2}[a-z]{0,3}$/.test(tokens[0] ?? ''))
    return 'nonsense';
  return undefined;
}
