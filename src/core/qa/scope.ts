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
import { foldMarks } from '../text/normalize.js';

export type OutOfScopeTopic = 'weather' | 'sport' | 'gambling' | 'medical' | 'legal' | 'finance' | 'entertainment';

const PATTERNS: ReadonlyArray<readonly [OutOfScopeTopic, RegExp]> = [
  ['weather', /\b(thoi tiet|du bao (thoi tiet|mua|bao)|troi (mua|nang|lanh)|nhiet do|bao so|con bao|ap thap)\b/],
  ['sport', /\b(bong da|tran dau|ty so|world cup|v league|sea games|doi tuyen|cau thu|ngoai hang anh|euro 20\d\d)\b/],
  ['gambling', /\b(xo so|lo de|so de|ket qua xs|xsmb|xskt|danh de|ca do)\b/],
  [
    'medical',
    /\b(uong thuoc|thuoc gi|benh gi|chua (benh|tri)|bi (dau|sot|ho|tieu chay|cam|cum)|dau (dau|bung|rang|lung|hong)|huyet ap|tieu duong|mang thai|sot cao|trieu chung)\b/,
  ],
  [
    'legal',
    /\b(ly hon|tranh chap|kien (ai|nguoi|ra toa)|khoi kien|thua ke|chia (tai san|dat)|an phi|luat su|hop dong mua ban)\b/,
  ],
  [
    'finance',
    /\b(gia vang|ty gia|chung khoan|co phieu|gia bitcoin|bitcoin|lai suat (gui|vay)|gia (lua|heo|lon) hom nay)\b/,
  ],
  ['entertainment', /\b(phim (gi|hay)|bai hat|ca si|hat karaoke|truyen cuoi|ke chuyen cuoi|noi chuyen vui)\b/],
];

/** The out-of-scope topic the question is about, if any. */
export function outOfScopeTopic(question: string): OutOfScopeTopic | undefined {
  const folded = ` ${foldMarks(question).replace(/[^a-z0-9]+/g, ' ')} `;
  for (const [topic, re] of PATTERNS) if (re.test(folded)) return topic;
  return undefined;
}
