/**
 * @module core/text/abbreviations
 *
 * Chat shorthand residents type on Zalo, mapped to the folded syllables of the
 * full words. Applied on both sides of the index, so a document that writes
 * "CCCD" and a question that writes "căn cước công dân" still meet.
 * Keys are folded (no marks, lower case) because expansion runs after folding.
 */
export const ABBREVIATIONS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['ko', ['khong']],
  ['k', ['khong']],
  ['kh', ['khong']],
  ['khg', ['khong']],
  ['hok', ['khong']],
  ['dc', ['duoc']],
  ['dk', ['dang', 'ky']],
  ['j', ['gi']],
  ['ntn', ['nhu', 'the', 'nao']],
  ['nthe', ['nhu', 'the']],
  ['sdt', ['so', 'dien', 'thoai']],
  ['dt', ['dien', 'thoai']],
  ['dthoai', ['dien', 'thoai']],
  ['cccd', ['can', 'cuoc', 'cong', 'dan']],
  ['cmnd', ['chung', 'minh', 'nhan', 'dan']],
  ['dvc', ['dich', 'vu', 'cong']],
  ['dvctt', ['dich', 'vu', 'cong', 'truc', 'tuyen']],
  ['tk', ['tai', 'khoan']],
  ['mk', ['mat', 'khau']],
  ['bhyt', ['bao', 'hiem', 'y', 'te']],
  ['bhxh', ['bao', 'hiem', 'xa', 'hoi']],
  ['lltp', ['ly', 'lich', 'tu', 'phap']],
  ['bdhvs', ['binh', 'dan', 'hoc', 'vu', 'so']],
  ['cds', ['chuyen', 'doi', 'so']],
  ['ubnd', ['uy', 'ban', 'nhan', 'dan']],
  ['ng', ['nguoi']],
  ['vs', ['voi']],
  ['r', ['roi']],
  ['bn', ['bao', 'nhieu']],
  ['bnhieu', ['bao', 'nhieu']],
  ['ck', ['chuyen', 'khoan']],
  ['stk', ['so', 'tai', 'khoan']],
  ['app', ['ung', 'dung']],
  ['ud', ['ung', 'dung']],
  ['vn', ['viet', 'nam']],
  ['fb', ['facebook']],
  ['ib', ['nhan', 'tin']],
  // English words residents mix into Vietnamese chat, mapped to the words the documents use.
  ['free', ['mien', 'phi']],
  ['online', ['truc', 'tuyen']],
  ['smartphone', ['dien', 'thoai', 'thong', 'minh']],
  ['scam', ['lua', 'dao']],
  ['password', ['mat', 'khau']],
  ['pass', ['mat', 'khau']],
]);
