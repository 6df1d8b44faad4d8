/**
 * @module core/qa/scope
 *
 * Recognises questions that are plainly outside what a commune's digital-skills
 * assistant should answer (weather, football, lottery, medical or legal
 * advice), so the reply can say so and point to the right person instead of
 * stretching a loosely matching page into an answer. Only a *signal*: a
 * collection that really covers the topic still answers when its evidence is
 * strong (see the answerer).
 */
import { foldedWords } from './intent.js';

export type OutOfScopeTopic = 'weather' | 'sport' | 'gambling' | 'medical' | 'legal' | 'finance' | 'entertainment';

const PATTERNS: ReadonlyArray<readonly [OutOfScopeTopic, RegExp]> = [
  ['weather', /\b(thoi tiet|du bao (thoi tiet|mua)|troi (mua|nang|lanh)|nhiet do|ap thap nhiet doi)\b/],
  ['sport', /\b(bong da|tran dau|ty so|world cup|v league|sea games|doi tuyen|cau thu|ngoai hang anh|euro 20\d\d)\b/],
  ['gambling', /\b(xo so|ket qua xs|xsmb|xskt|danh de|ca do)\b/],
  [
    'medical',
    /\b(uong thuoc|thuoc gi|benh gi|bi (dau|sot|tieu chay|cum)|dau (dau|bung|rang|lung|hong)|huyet ap|tieu duong|sot cao|trieu chung)\b/,
  ],
  [
    'legal',
    // Family and work disputes too: wages owed, dismissal, custody are one person's case for a lawyer or the
    // commune's justice officer, and a page sharing their words ("đòi" folds like "đổi") would answer wrongly.
    /\b(ly hon|tranh chap|kien (ai|nguoi|ra toa)|khoi kien|thua ke|chia (tai san|dat)|an phi|no luong|doi (lai )?(tien )?luong|(chua|khong|cham|cham tre|quyt) tra luong|tru luong|cat luong|sa thai|duoi viec|quyen nuoi con|cap duong)\b/,
  ],
  [
    'finance',
    /\b(gia vang|ty gia|chung khoan|co phieu|gia bitcoin|bitcoin|lai suat (gui|vay)|gia (lua|heo|lon) hom nay)\b/,
  ],
  ['entertainment', /\b(phim (gi|hay)|bai hat|ca si|hat karaoke|truyen cuoi|ke chuyen cuoi|noi chuyen vui)\b/],
];

/**
 * Words that fold onto in-scope words ("bão số" → "bao so" like "báo số",
 * "bị cảm" like "bị cấm") are only recognised when typed with their marks.
 */
const MARKED_PATTERNS: ReadonlyArray<readonly [OutOfScopeTopic, RegExp]> = [
  ['weather', /(bão số|cơn bão|dự báo bão)/u],
  ['medical', /(bị cảm|bị ho|chữa bệnh gì|mang thai mấy tuần)/u],
  ['gambling', /(số đề|lô đề)/u],
];

/**
 * Words of the assistant's own field. A question that names one is about a
 * procedure or a scam even when it also mentions an inheritance, a lottery or
 * a lawyer ("Thưa luật sư, mất giấy khai sinh…", "lừa đảo trúng xổ số"), so it
 * is never turned away as out of scope.
 */
const IN_SCOPE =
  /\b(vneid|dinh danh|can cuoc|chung minh|khai sinh|khai tu|ket hon|ho tich|thuong tru|tam tru|tam vang|cu tru|dich vu cong|bao hiem|bhxh|vssid|luong huu|giay phep lai xe|bang lai|lua dao|gia danh|chiem doat|mang xa hoi|facebook|zalo|tai khoan|mat khau|otp)\b/;

/** The out-of-scope topic the question is about, if any. */
export function outOfScopeTopic(question: string): OutOfScopeTopic | undefined {
  const folded = foldedWords(question);
  if (IN_SCOPE.test(folded)) return undefined;
  const lower = question.normalize('NFC').toLowerCase();
  for (const [topic, re] of MARKED_PATTERNS) if (re.test(lower)) return topic;
  for (const [topic, re] of PATTERNS) if (re.test(folded)) return topic;
  return undefined;
}
