/**
 * @module core/handoff/intent
 *
 * Whether a resident asks for a person: "gặp cán bộ", "gap can bo", "cho tôi
 * hỏi người thật", "nói chuyện với người thật", "/nguoi". Read on the folded
 * text (no marks), and only on a short message: "gặp cán bộ ở đâu để làm
 * căn cước gắn chip?" is a question about a procedure, not a request.
 */
import { foldMarks } from '../text/normalize.js';

/** The choice values of the handoff: asked outright, or accepted when the bot offered it. */
export const HANDOFF_ASK = 'handoff:ask';
export const HANDOFF_OFFER = 'handoff:offer';

const MAX_WORDS = 8;

const PATTERNS: readonly RegExp[] = [
  /^\/nguoi(?:@\w+)?$/,
  /\bgap (?:truc tiep )?(?:can bo|nguoi that|nhan vien)\b/,
  /\b(?:hoi|noi chuyen voi|gap|lien he voi|nhan tin voi|tro chuyen voi) (?:mot )?nguoi that\b/,
  /\b(?:noi chuyen|tro chuyen|nhan tin|lien he) (?:truc tiep )?voi can bo\b/,
  /\bchuyen (?:cho|sang|den) can bo\b/,
];

export function asksForPerson(text: string): boolean {
  const folded = foldMarks(text)
    .replace(/[^\p{L}\p{N}/@_]+/gu, ' ')
    .trim();
  if (!folded || folded.split(' ').length > MAX_WORDS) return false;
  return PATTERNS.some((p) => p.test(folded));
}
