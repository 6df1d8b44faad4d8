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
  ['cai dat', 'tai ung dung', 'tai ve', 'cai ung dung'],
  ['chinh sua', 'sua doi', 'dieu chinh', 'dinh chinh', 'cap nhat', 'sua thong tin', 'sai thong tin'],
  ['cap lai', 'lam lai', 'cap doi', 'doi the', 'lam moi'],
  ['bi mat', 'danh roi', 'that lac', 'lam mat', 'bi trom', 'bi cuop', 'mat trom'],
  ['lua dao', 'gia mao', 'gia danh', 'bip bom', 'chiem doat', 'bi lua'],
  ['bi hack', 'bi chiem doat', 'bi chiem', 'mat tai khoan', 'bi danh cap'],
  ['tre em', 'tre duoi', 'duoi 14 tuoi', 'con nho', 'chau nho'],
  ['nguoi gia', 'nguoi cao tuoi', 'cao tuoi', 'lon tuoi', 'nguoi lon tuoi'],
  // Residents name the country they go to work in; the pages say "nước ngoài" (abroad). Not "thai lan":
  // it is also "(mang) thai lần (hai)", a pregnancy.
  [
    'nuoc ngoai',
    'han quoc',
    'nhat ban',
    'dai loan',
    'trung quoc',
    'hoa ky',
    'chau au',
    'xuat canh',
    'o my',
    'tai my',
    'sang my',
    'o uc',
    'sang uc',
    'ca na da',
    'australia',
    'singapore',
    'ma lay sia',
  ],
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
  ['dich vu cong', 'cong dich vu cong'],
  ['khai sinh', 'giay khai sinh', 'dang ky khai sinh'],
  ['thuong tru', 'ho khau', 'nhap khau', 'chuyen khau'],
  ['giay phep lai xe', 'bang lai', 'bang lai xe', 'gplx'],
  ['so do', 'giay chung nhan quyen su dung dat', 'so hong'],
  ['doc than', 'tinh trang hon nhan'],
  ['luong huu', 'huu tri'],
  ['the atm', 'tai khoan ngan hang', 'the ngan hang'],
  ['nhieu thiet bi', 'nhieu dien thoai', 'may dien thoai', 'hai may', '2 may'],
  ['so bao hiem xa hoi', 'so bao hiem'],
  // Resident wordings measured against the pages (scratch coverage of the tuning half, golden, follow-ups and
  // reader questions found on the web): each group is one thing the pages name with another phrase.
  ['khong dung tuyen', 'trai tuyen', 'vuot tuyen'],
  // "chuyển viện" alone folds to "chuyên viên" (an official): only "giấy chuyển viện" is listed.
  ['chuyen tuyen', 'giay chuyen tuyen', 'giay chuyen vien'],
  ['xoa dang ky thuong tru', 'cat khau', 'cat ho khau'],
  ['giay chung tu', 'trich luc khai tu'],
  ['giay chung nhan ket hon', 'giay dang ky ket hon', 'giay ket hon', 'hon thu'],
  ['giay dang ky xe', 'ca vet'],
  ['ma otp', 'otp', 'ma xac thuc', 'ma xac nhan'],
  ['nghi viec', 'thoi viec', 'mat viec', 'bo viec'],
  ['tro cap that nghiep', 'tien that nghiep', 'huong that nghiep'],
  ['tro cap tuat', 'tien tuat', 'che do tuat'],
  ['tro cap mai tang', 'mai tang phi', 'tien mai tang'],
  ['chung thuc ban sao', 'ban sao chung thuc', 'cong chung ban sao', 'photo cong chung', 'sao y'],
  ['so dinh danh ca nhan', 'ma dinh danh', 'ma so dinh danh'],
  ['nghi huu', 've huu'],
  ['thai san', 'nghi sinh'],
  ['ho chieu', 'passport'],
  ['ung dung ngan hang', 'mobile banking', 'internet banking', 'ngan hang dien tu'],
  ['bao hiem xa hoi mot lan', 'bao hiem xa hoi 1 lan', 'rut bao hiem'],
];
