/**
 * @module core/text/synonyms
 *
 * Groups of phrases that residents and documents use for the same thing:
 * "chi phí" / "mất tiền" / "lệ phí" / "miễn phí", "tài khoản định danh điện
 * tử" / "VNeID", "căn cước công dân" / "thẻ căn cước". Official answers and
 * our pages pick one wording; residents pick another. When a question uses
 * one phrase of a group, a passage that uses another counts as mentioning it.
 * Phrases are folded (no marks) with abbreviations already expanded, and
 * only multi-syllable or unambiguous phrases are listed, so "mất" (lose) is
 * never read as "mất tiền" (cost).
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  [
    'chi phi',
    'le phi',
    'mat tien',
    'mat phi',
    'ton tien',
    'ton phi',
    'mien phi',
    'tra tien',
    'bao nhieu tien',
    'thu phi',
    'tra phi',
  ],
  ['tai khoan dinh danh dien tu', 'tai khoan dinh danh', 'dinh danh dien tu', 'dinh danh', 'vneid', 'tai khoan vneid'],
  ['can cuoc cong dan', 'the can cuoc', 'can cuoc', 'the can cuoc cong dan'],
  ['chung minh nhan dan', 'chung minh thu'],
  ['muc do 2', 'muc 2'],
  ['muc do 1', 'muc 1'],
  ['truc tuyen', 'qua mang', 'tren mang', 'tai nha', 'tu lam'],
  ['cai dat', 'tai ung dung', 'tai app', 'tai ve', 'cai ung dung'],
  ['chinh sua', 'sua doi', 'dieu chinh', 'dinh chinh', 'cap nhat', 'sua thong tin', 'sai thong tin'],
  ['cap lai', 'lam lai', 'cap doi', 'doi the', 'lam moi'],
  ['bi mat', 'danh roi', 'that lac', 'lam mat'],
  ['lua dao', 'gia mao', 'gia danh', 'bip bom', 'chiem doat'],
  ['bi hack', 'bi chiem doat', 'bi chiem', 'mat tai khoan', 'bi danh cap'],
  ['tre em', 'tre duoi', 'duoi 14 tuoi', 'con nho', 'chau nho'],
  ['nguoi gia', 'nguoi cao tuoi', 'cao tuoi', 'lon tuoi', 'nguoi lon tuoi'],
  // Residents name the country they go to work in; the pages say "nước ngoài" (abroad).
  ['nuoc ngoai', 'han quoc', 'nhat ban', 'dai loan', 'trung quoc', 'hoa ky', 'chau au', 'xuat canh'],
  ['trang web', 'website', 'cong thong tin', 'dia chi web'],
  ['chuyen tien', 'chuyen khoan'],
  ['mat khau', 'passcode', 'ma pin'],
  ['dien thoai moi', 'may moi', 'thiet bi moi', 'doi may'],
  ['dien thoai cu', 'may cu', 'thiet bi cu'],
  // A phone wiped back to how it left the shop: residents say "reset", pages say "khôi phục cài đặt gốc".
  // "reset" reaches here as two syllables, "re set".
  ['khoi phuc cai dat goc', 'cai dat goc', 'cai lai may', 're set may', 're set', 'format may'],
  ['khoa tai khoan', 'tai khoan bi khoa', 'bi khoa'],
  ['thoi han', 'het han', 'gia tri su dung', 'con han'],
  ['sinh trac hoc', 'van tay', 'khuon mat', 'chup anh'],
  ['dich vu cong', 'cong dich vu cong', 'dichvucong'],
  ['khai sinh', 'giay khai sinh', 'dang ky khai sinh'],
  ['thuong tru', 'ho khau', 'nhap khau'],
  ['giay phep lai xe', 'bang lai', 'bang lai xe', 'gplx'],
  ['so do', 'giay chung nhan quyen su dung dat', 'so hong'],
  ['doc than', 'tinh trang hon nhan'],
  ['luong huu', 'huu tri'],
  ['the atm', 'tai khoan ngan hang', 'the ngan hang'],
  ['nhieu thiet bi', 'nhieu dien thoai', 'may dien thoai', 'hai may', '2 may'],
  ['so bao hiem xa hoi', 'so bao hiem'],
];
