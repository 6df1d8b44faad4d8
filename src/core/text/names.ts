/**
 * @module core/text/names
 *
 * Where a resident lives and who they are say nothing about what they ask:
 * "tôi phải về quê Quảng Ngãi làm lại CCCD hay làm ở nơi tạm trú tại TP.HCM?"
 * asks where to renew a card. Retrieval weighs a word that no page holds the
 * most (a rare word is a telling word), so a province or a person's name in
 * the asking sentence sinks the page that answers. These are taken out of what
 * is searched; the commune's own province stays (its portal has a page).
 */

/** Every letter with the marks Vietnamese puts on it, so a name matches typed with or without them. */
const VARIANTS: Readonly<Record<string, string>> = {
  a: 'aàáảãạăằắẳẵặâầấẩẫậ',
  e: 'eèéẻẽẹêềếểễệ',
  i: 'iìíỉĩị',
  o: 'oòóỏõọôồốổỗộơờớởỡợ',
  u: 'uùúủũụưừứửữự',
  y: 'yỳýỷỹỵ',
  d: 'dđ',
};

/** A pattern matching `name` in either case, with any or no marks on its letters. */
function loosely(name: string): string {
  const base = name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
  return [...base]
    .map((ch) => {
      if (ch === ' ') return '[\\s.-]*';
      const v = VARIANTS[ch];
      return v ? `[${v}${v.toUpperCase()}]` : `[${ch}${ch.toUpperCase()}]`;
    })
    .join('');
}

/**
 * Provinces and cities before and after the 2025 merger, and the names
 * residents use for the largest cities. Nghệ An (and Vinh) are left out: the
 * knowledge base has pages about the province's own portal. A few names that
 * are also ordinary words once marks are dropped ("hòa bình", "cả mẫu",
 * "làm đồng", "diễn biến", "hai phòng") are only taken as written, with
 * capitals and marks (CAPITALISED below).
 */
const PLACES = [
  'An Giang',
  'Bà Rịa Vũng Tàu',
  'Vũng Tàu',
  'Bạc Liêu',
  'Bắc Giang',
  'Bắc Kạn',
  'Bắc Ninh',
  'Bến Tre',
  'Bình Dương',
  'Bình Định',
  'Bình Phước',
  'Bình Thuận',
  'Cao Bằng',
  'Cần Thơ',
  'Đà Nẵng',
  'Đắk Lắk',
  'Đắk Nông',
  'Đồng Nai',
  'Đồng Tháp',
  'Gia Lai',
  'Hà Giang',
  'Hà Nam',
  'Hà Nội',
  'Hà Tĩnh',
  'Hải Dương',
  'Hậu Giang',
  'Hưng Yên',
  'Khánh Hòa',
  'Kiên Giang',
  'Kon Tum',
  'Lai Châu',
  'Lạng Sơn',
  'Lào Cai',
  'Nam Định',
  'Ninh Bình',
  'Ninh Thuận',
  'Phú Thọ',
  'Phú Yên',
  'Quảng Bình',
  'Quảng Nam',
  'Quảng Ngãi',
  'Quảng Ninh',
  'Quảng Trị',
  'Sóc Trăng',
  'Sơn La',
  'Tây Ninh',
  'Thanh Hóa',
  'Thừa Thiên Huế',
  'Tiền Giang',
  'Trà Vinh',
  'Tuyên Quang',
  'Vĩnh Long',
  'Vĩnh Phúc',
  'Yên Bái',
  'Thủ Đức',
  'Biên Hòa',
  'Nha Trang',
  'Đà Lạt',
  'Sài Gòn',
  'Hồ Chí Minh',
  'TPHCM',
  'HCM',
];
const CAPITALISED = ['Hòa Bình', 'Thái Bình', 'Long An', 'Huế', 'Cà Mau', 'Lâm Đồng', 'Điện Biên', 'Hải Phòng'];

/** "tại", "tỉnh", "thành phố", "TP." before a name go with it ("tại" only with its mark: "tai" may be "tải"). */
const PREFIX = '(?:tại\\s+)?(?:(?:t[ỉi]nh|th[àa]nh\\s+ph[ốo]|tp\\.?)\\s*)?';
const LOOSE = new RegExp(
  `(?<![\\p{L}\\p{N}])${PREFIX}(?:${[...PLACES]
    .sort((a, b) => b.length - a.length)
    .map(loosely)
    .join('|')})(?![\\p{L}\\p{N}])`,
  'giu',
);
const EXACT = new RegExp(`(?<![\\p{L}\\p{N}])${PREFIX}(?:${CAPITALISED.join('|')})(?![\\p{L}\\p{N}])`, 'gu');

/** Capitalised syllable (a name's part), as typed with marks. */
const NAME_PART = '\\p{Lu}\\p{Ll}*';
/**
 * A person's name: a common family name and one to three capitalised
 * syllables ("Nguyễn Thu Hiền"), or a form of address and one capitalised
 * syllable ("anh Minh", "chị Yến"). Capitals are required: lower-case "mai",
 * "cao", "em" are ordinary words.
 */
const PERSON = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:(?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Ngô|Dương|Lý|Đinh|Đoàn|Trương|Trịnh|Quách|Vương)(?:\\s+${NAME_PART}){1,3}|(?:anh|chị|bà|ông|cô|chú|bác|bạn)\\s+${NAME_PART}(?:\\s+${NAME_PART})?)(?![\\p{L}\\p{N}])`,
  'gu',
);

/** The text without places and persons' names; the text itself when nothing else would be left. */
export function withoutNames(text: string): string {
  const out = text
    .replace(PERSON, (m: string) => {
      // "anh Minh" keeps the form of address (it reads as "tôi" to the rest of the analysis).
      const address = /^(anh|chị|bà|ông|cô|chú|bác|bạn)\s/u.exec(m);
      return address ? (address[1] ?? '') : '';
    })
    .replace(EXACT, '')
    .replace(LOOSE, '')
    .replace(/\(\s*[,\s]*\)/g, '')
    .replace(/\s+([,.?!])/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return /[\p{L}]/u.test(out) ? out : text;
}
