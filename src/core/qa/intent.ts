/**
 * @module core/qa/intent
 *
 * What a question asks for, as opposed to what it is about. "Mức 2 là gì",
 * "mức 2 làm ở đâu" and "mức 2 có mất tiền không" share their topic and want
 * three different passages: a definition, a place, a cost. Residents write
 * these forms in a handful of fixed phrases, with or without marks, so a list
 * of folded phrases per intent recognises them without a model; the same
 * signals read from a passage's heading and text say what the passage offers.
 */
import { tokenize } from '../text/normalize.js';

export type Intent =
  | 'definition'
  | 'how'
  | 'where'
  | 'papers'
  | 'cost'
  | 'who'
  | 'when'
  | 'duration'
  | 'penalty'
  | 'amount'
  | 'why'
  | 'yesno';

/**
 * The text as the shared normaliser reads it (marks folded, chat shorthand
 * such as "ko", "j", "ntn" expanded, "%" read as "phần trăm"), padded with
 * spaces so phrases match on word boundaries with plain `includes` or a regex.
 */
export function foldedWords(text: string): string {
  return ` ${tokenize(text).join(' ')} `;
}

/** Phrases (folded) that ask for each intent. Shorthand (ko, j, ntn) is expanded before matching. */
const ASKS: ReadonlyArray<readonly [Intent, RegExp]> = [
  [
    'definition',
    / (la gi|la cai gi|la gi vay|nghia la gi|co nghia gi|y nghia gi|la sao|hieu the nao|la ung dung gi|la trang gi|dung de lam gi|de lam gi|co tac dung gi|tac dung gi|lam duoc gi|dung vao viec gi) /,
  ],
  [
    'papers',
    / (giay to|ho so gom|ho so gi|ho so can|can ho so|can mang|mang theo|mang gi|chuan bi gi|chuan bi nhung gi|can nhung gi|can gi|thanh phan ho so|can co gi) /,
  ],
  [
    'cost',
    / (mat tien|mat phi|ton tien|ton phi|le phi|phi bao nhieu|bao nhieu tien|het bao nhieu|mien phi|tra tien|dong tien|nop tien|thu tien|chi phi|co phi|phai tra|co mat|mat bao nhieu|bao nhieu dong) /,
  ],
  ['penalty', / (bi phat|phat khong|phat bao nhieu|xu phat|muc phat|bi xu ly|co sao khong|vi pham) /],
  [
    'where',
    / (o dau|cho nao|noi nao|den dau|tai dau|di dau|len huyen|len tinh|ra xa|len xa|(?:nop|lam|dang ky) o (?:xa|huyen|tinh|phuong|dau|cho nao|noi nao|nha)|co quan nao|ben nao|o cho nao|trang nao|web nao|website nao|dia chi|tai ve o|tai o) /,
  ],
  [
    'duration',
    / (bao lau|may ngay|bao nhieu ngay|bao nhieu lau|may phut|may thang|mat bao lau|thoi gian giai quyet|trong bao lau|bao gio co|khi nao co|khi nao nhan) /,
  ],
  [
    'when',
    / (khi nao|bao gio|luc nao|thoi han|han chot|han cuoi|ngay nao|nam nao|thang nao|tu ngay nao|truoc ngay|den khi nao) /,
  ],
  [
    'who',
    / (ai duoc|ai phai|ai la|do ai|nhung ai|doi tuong nao|doi tuong|nguoi nao|ai co the|ai cap|ai lam|danh cho ai|ai dung|ai quan ly|cua ai|co quan nao quan ly|truong hop nao|nhung truong hop|co bat buoc|bat buoc phai) /,
  ],
  ['amount', / (bao nhieu phan tram|phan tram|ty le|bao nhieu nguoi|chi tieu|muc tieu) /],
  [
    'how',
    / (the nao|lam sao|nhu the nao|ra sao|cach nao|cach lam|cach de|cach|huong dan|cac buoc|tung buoc|quy trinh|thu tuc|hinh thuc nao|nhung hinh thuc|lam gi|phai lam|xu ly|khac phuc|khac gi|lay lai|sua loi|sua lai|sua thong tin|doi so|doi mat khau|doi dien thoai|doi sang|doi lai|doi the|cai dat|cai vneid|cai ung dung|cai app|dang ky|dang nhap|kich hoat|khoi phuc) /,
  ],
  ['why', / (tai sao|vi sao|sao lai|ly do gi|ly do nao|vi ly do gi|nguyen nhan gi|nguyen nhan nao) /],
  [
    'yesno',
    / (?:co duoc|co phai|co bat buoc|co can|co bi|co con|co the|co nen|duoc|con|phai|bi)(?: \S+){0,10}? (?:khong|ko|k|chua|hay khong|hay chua)(?= |$)| (?:duoc khong|hay khong|phai khong|dung khong|duoc ko|nen khong) /,
  ],
];

/**
 * The folded words of a text without the phrases that ask for an intent
 * ("ở đâu", "mất bao lâu", "có … không"): what is left names the topic.
 */
export function withoutAsking(text: string): string {
  let folded = foldedWords(text);
  for (const re of ASKS_EVERYWHERE) folded = folded.replace(re, ' ');
  return folded.replace(/\s+/g, ' ').trim();
}

/** The asking phrases, each matched everywhere in a text (built once: `withoutAsking` runs for every answer). */
const ASKS_EVERYWHERE: readonly RegExp[] = ASKS.map(([, re]) => new RegExp(re.source, 'g'));

/** Intents that only say the question wants a yes or no, or a reason: a more precise intent beside them wins. */
const BROAD: ReadonlySet<Intent> = new Set(['yesno', 'why']);

/** Phrases that mean the sentence asks something, anywhere in it. */
const QUESTION_WORDS =
  / (gi|nao|tai sao|vi sao|lam sao|sao lai|thi sao|sao khong|ra sao|the sao|o dau|di dau|den dau|tai dau|dau roi|bao nhieu|bao lau|bao gio|khi nao|ai|may ngay|may thang|may nam|may buoc|may tuoi|may gio|may lan|the nao|duoc khong|co phai|hay khong|hay chua|phai khong|dung khong|co duoc|xin hoi|cho hoi|hoi la|nho huong dan|giup (toi|minh|em|chau|voi)|huong dan (toi|minh|em|cach)|lam the nao|muon hoi|muon biet|muon nho|muon duoc) /;
/** Words that ask only at the end of a clause ("có mất tiền không"); inside one they negate. */
const TRAILING_QUESTION = / (khong|ko|k|chua|a|vay|nhi|nhe|the|sao|chu) $/;

/**
 * "Luật quy định về căn cước điện tử như thế nào?", "pháp luật quy định ra sao
 * về việc này": a legal column's way of asking what the rules say about a
 * thing, not for steps. Unless the clause names a procedure or a way of doing
 * ("thủ tục", "cách", "làm", "đăng ký", "hồ sơ", "nộp"), it asks what the
 * thing is and what holds for it.
 */
const RULES_ASKED = / quy dinh (?:\S+ ){0,8}?(?:nhu the nao|the nao|ra sao) | (?:nhu the nao|the nao|ra sao) ve /;
const DOING = / (?:thu tuc|cach|lam|dang ky|ho so|nop|xin) /;

/** The intents a clause asks for, most specific first (a "how" clause about cost is a cost question). */
export function intentsOf(text: string): Intent[] {
  const folded = foldedWords(text);
  const out: Intent[] = [];
  for (const [intent, re] of ASKS) if (re.test(folded)) out.push(intent);
  if (out.includes('how') && RULES_ASKED.test(folded) && !DOING.test(folded))
    out.splice(out.indexOf('how'), 1, ...(out.includes('definition') ? [] : (['definition'] as const)));
  // "có mất tiền không" is a yes/no question about the cost: the cost is what it asks.
  if (out.some((i) => !BROAD.has(i)) && out.some((i) => BROAD.has(i)))
    out.splice(0, out.length, ...out.filter((i) => !BROAD.has(i)));
  // "cách" and "làm sao" also appear around other intents; "how" stays only when nothing more precise was asked.
  if (
    out.length > 1 &&
    out.includes('how') &&
    !/ (the nao|lam sao|nhu the nao|cach nao|cac buoc|huong dan) /.test(folded)
  )
    return out.filter((i) => i !== 'how');
  return out;
}

/** Phrases that ask for steps in so many words. */
const EXPLICIT_HOW =
  / (the nao|lam sao|nhu the nao|ra sao|cach nao|cach lam|cach de|cach|huong dan|cac buoc|tung buoc|quy trinh|lam gi|phai lam|xu ly|khac phuc|lay lai) /;

/**
 * "gì", "nào", "ai" that do not ask, in the story around a question: "không
 * nghi ngờ gì" (nothing), "ai cũng", "bất kỳ nơi nào", "một người nào đó".
 * "không biết làm gì" stays: it is how a story asks what to do.
 */
const NOT_ASKING =
  / (?:(?:khong|chang|chua|cha)(?! biet)(?: [a-z]+){1,3} (?:gi|nao|ai)(?= (?!khong |ko |k |chua |a |vay |nhi )| $)|(?:gi|nao|ai) (?:do|ca|het|cung)|bat (?:ky|ki|cu) (?:ai|gi|nao|[a-z]+ nao))/g;

/** True when a clause reads as a question rather than as part of the story around it. */
export function isQuestionClause(text: string): boolean {
  if (/[?？]/.test(text)) return true;
  const folded = foldedWords(text);
  if (TRAILING_QUESTION.test(folded)) return true;
  return QUESTION_WORDS.test(`${folded.replace(NOT_ASKING, ' ')} `);
}

/** What a passage offers, read from its heading (strong) and text (weaker). */
export interface PassageOffer {
  readonly heading: ReadonlySet<Intent>;
  readonly text: ReadonlySet<Intent>;
}

const TEXT_SIGNALS: ReadonlyArray<readonly [Intent, RegExp]> = [
  [
    'definition',
    / (la ung dung|la tai khoan|la trang|la cong|la he thong|la phong trao|la mot|la viec|la so|la dich vu|la hinh thuc|duoc hieu la|nghia la|gom) /,
  ],
  ['how', / (buoc|bam|chon|mo ung dung|vao muc|dang nhap|cai dat|nhap|tai ung dung) /],
  ['where', / (cong an|bo phan mot cua|trung tam phuc vu|uy ban|tru so|gov|ch play|store|cong dich vu cong) /],
  ['papers', / (giay to|ho so|mang theo|ban sao|ban chinh|to khai|the can cuoc|giay khai sinh|so ho khau) /],
  ['cost', / (mien phi|le phi|phi|dong|mat tien|khong mat|tra tien|thu tien) /],
  ['penalty', / (phat|xu phat|xu ly) /],
  ['duration', / (ngay lam viec|trong vong|trong ngay|phut|gio|ngay|thang) /],
  ['when', / (tu ngay|den ngay|truoc ngay|nam 20\d\d|ngay \d+|thang \d+|hieu luc|han) /],
  ['who', / (cong dan|doi tuong|nguoi tu|tu du|duoi \d+ tuoi|tren \d+ tuoi|moi nguoi|nguoi dan|can bo) /],
  ['amount', / phan tram /],
  ['why', / (boi vi|ly do la|nham muc dich|de bao dam|de dam bao) /],
];

/** A passage that opens with a plain yes or no ("Có.", "Không.", "Được, nếu…") answers a yes/no question. */
const YES_NO_OPENING =
  /^\s*(?:có|không|được|chưa|vẫn|không cần|không bắt buộc|bắt buộc|không phải|phải)(?:[.,:;!]|\s+(?:được|phải|cần|bắt buộc)\b)/iu;

/** Reads what a passage offers; numbered steps count as "how" even without the words. */
export function offerOf(heading: string, text: string): PassageOffer {
  const h = foldedWords(heading);
  const t = foldedWords(text);
  const fromHeading = new Set<Intent>();
  for (const [intent, re] of ASKS) if (re.test(h)) fromHeading.add(intent);
  // A heading that only names an action ("Đăng ký VNeID có mất tiền không?") does not offer its steps.
  if (fromHeading.has('how') && !EXPLICIT_HOW.test(h)) fromHeading.delete('how');
  const fromText = new Set<Intent>();
  for (const [intent, re] of TEXT_SIGNALS) if (re.test(t)) fromText.add(intent);
  if (/^\s*\d+[.)]\s/m.test(text) || /^\s*(bước|buoc)\s*\d/im.test(text)) fromText.add('how');
  if (YES_NO_OPENING.test(text)) fromText.add('yesno');
  return { heading: fromHeading, text: fromText };
}

/**
 * How well a passage fits what is asked, 0..1: 1 when its heading asks the
 * same thing, 0.5 when its text holds that kind of fact, 0 otherwise. A
 * question with no recognised intent fits every passage a little (0.5).
 */
export function intentFit(asked: readonly Intent[], offer: PassageOffer): number {
  if (asked.length === 0) return 0.5;
  // Any passage may answer a yes/no question: one that says yes or no plainly fits better, none fits worse.
  let best = asked.every((i) => BROAD.has(i)) ? 0.5 : 0;
  for (const i of asked) {
    // Yes/no headings are everywhere ("… có được … không?"): sharing that form says little.
    if (offer.heading.has(i)) best = Math.max(best, BROAD.has(i) ? BROAD_HEADING_FIT : 1);
    else if (offer.text.has(i)) best = Math.max(best, TEXT_FIT[i]);
  }
  return best;
}

/** How much a fact of the asked kind in a passage's text (not its heading) says it answers: precise signals weigh more. */
const TEXT_FIT: Record<Intent, number> = {
  definition: 0.4,
  how: 0.4,
  where: 0.4,
  papers: 0.5,
  cost: 0.5,
  who: 0.2,
  when: 0.3,
  duration: 0.3,
  penalty: 0.5,
  amount: 0.5,
  why: 0.2,
  yesno: 0.6,
};

/** Fit of a heading asking the same yes/no question. */
const BROAD_HEADING_FIT = 0.7;

/** True when two intent lists share an intent more precise than the yes/no form. */
export function sharePrecise(a: readonly Intent[], b: readonly Intent[]): boolean {
  return a.some((i) => !BROAD.has(i) && b.includes(i));
}

/** Two intent lists are compatible when they share one, or either is empty (a bare topic). */
export function compatible(a: readonly Intent[], b: readonly Intent[]): boolean {
  if (a.length === 0 || b.length === 0) return true;
  return a.some((i) => b.includes(i));
}
