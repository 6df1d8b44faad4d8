/**
 * @module core/text/syllable
 *
 * The shape of a Vietnamese syllable once its marks are folded: an optional
 * initial consonant, one to three vowels, an optional final consonant. Almost
 * every English word and almost every typo breaks this shape ("vneidd",
 * "password", "facebok"), while "can giay to gi" does not. It tells the
 * English detector and the spelling corrector apart from real Vietnamese
 * typed without marks, which must never be refused or "corrected".
 */

const SYLLABLE = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$/;

/** True when a folded, lower-case token has the shape of a Vietnamese syllable. */
export function isVietnameseSyllable(token: string): boolean {
  return SYLLABLE.test(token);
}

/** Share (0..1) of alphabetic tokens that have the shape of Vietnamese syllables. */
export function vietnameseShare(tokens: readonly string[]): number {
  const words = tokens.filter((t) => /^[a-z]+$/.test(t));
  if (words.length === 0) return 0;
  return words.filter(isVietnameseSyllable).length / words.length;
}

/**
 * The same shape, without the doubled vowels Vietnamese never writes once its
 * marks are folded: "aa", "ee", "ii", "yy" are Telex keys or slips of the
 * finger ("khaau", "nguoii"); "oo" only stands in a handful of loan words
 * ("xoong", "boong", "rơ-moóc"), so "khoong" and "coong" are Telex for
 * "không", "công"; "uu" (ưu) and the other clusters ending in a glide
 * (ao, ai, ay, oi, …) never take a final consonant ("chuup", "baon").
 */
/** The vowel clusters Vietnamese writes, folded ("ươi" → "uoi"), after the initial (qu/gi lend their letter). */
const NUCLEI: ReadonlySet<string> = new Set(
  (
    'a e i o u y ai ao au ay eo eu ia ie iu oa oe oi oo ua ue ui uo uu uy ye ' +
    'ieu yeu oai oay oeo uoi uou uay uya uye uyu'
  ).split(' '),
);
const OO_WORDS = /^(?:[xbglt]oong|[msc]ooc)$/;

export function isWellFormedSyllable(token: string): boolean {
  if (!SYLLABLE.test(token)) return false;
  if (/aa|ee|ii|yy/.test(token)) return false;
  if (/oo/.test(token) && !OO_WORDS.test(token)) return false;
  if (/uu[a-z]/.test(token)) return false;
  // Spelling of initials: gh/ngh/k only before e, i, y (ê); c, g, ng never before them ("ghop", "ce" are not words).
  if (/^(?:n?gh|k(?!h))[^eiy]/.test(token) || /^(?:c|ng)[eiy]|^g[ey]/.test(token)) return false;
  // The vowels after the initial ("gi" and "qu" lend a letter that is not part of the cluster).
  const m = /^(?:gi(?=[aeiouy])|qu)?[^aeiouy]*([aeiouy]+)([a-z]*)$/.exec(token);
  const vowels = m?.[1] ?? '';
  const final = m?.[2] ?? '';
  if (!NUCLEI.has(vowels)) return false;
  // A cluster that ends in a glide (ao, ai, ay, oi, iu…) takes no final consonant: "baon" is "bao" + "n…".
  if (final && vowels.length >= 2 && /[iouy]$/.test(vowels) && !/(uo|uy|oo)$/.test(vowels)) return false;
  // "uô", "iê", "yê" are written only before a final or a glide ("muon", "tien", "yeu"): "muo", "tie" are not syllables.
  if (!final && /^(uo|ie|ye|uye)$/.test(vowels)) return false;
  return true;
}
