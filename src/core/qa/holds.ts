/**
 * @module core/qa/holds
 *
 * Whether a passage holds the kind of thing a question asks for. A question
 * about the fee ("lệ phí bao nhiêu", "có mất tiền không") is not answered by a
 * passage on the right procedure that names no amount and does not say it is
 * free; "bao lâu" is not answered without a duration, "nộp ở đâu" without a
 * place or body, "cần giấy tờ gì" without a paper. Retrieval finds the right
 * topic and misses the asked-for thing often enough that answering then is
 * a confident wrong answer; "not sure" still offers the closest pages.
 *
 * Only kinds whose answer is a concrete thing a passage either contains or
 * lacks are checked; the small vocabularies live here, in one place. The
 * passage text keeps its marks (knowledge pages and FAQ answers are written
 * with them), so "ngày" (day) and "ngay" (right away) stay apart.
 */
import { foldedWords, type Intent } from './intent.js';

/** A whole-word alternation, case-insensitive, Unicode-aware. */
function words(alternatives: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'iu');
}

/** A count written in digits or words ("3", "1,5", "hai", "vài"). */
const COUNT = String.raw`(?:\d+(?:[.,]\d+)*|một|hai|ba|bốn|tư|năm|sáu|bảy|tám|chín|mười|mươi|vài|nửa|mấy)`;

/** Places, bodies and channels where a procedure is done. */
const PLACE = String.raw`xã|phường|huyện|tỉnh|thôn|công an|ubnd|ủy ban|uỷ ban|trung tâm|bộ phận|cổng|ứng dụng|app|website|trang|web|bưu điện|ngân hàng|cơ quan|bảo hiểm xã hội|bhxh|tòa án|toà án|sở|phòng|trụ sở|vneid|vssid|zalo|điểm|trạm|nhà văn hóa|nhà văn hoá|tổng đài|đại sứ quán|lãnh sự quán|nơi|mục|bệnh viện|trường`;

/** What holds each checked kind; an intent not listed here is not checked. */
const HOLDS: Partial<Record<Intent, RegExp>> = {
  // An amount of money, a share, or the plain statement that it costs nothing.
  cost: words(
    String.raw`\d[\d.,]*\s*(?:đồng|đ|vnđ|vnd|nghìn|ngàn|triệu|tỷ|tỉ|%)|${COUNT}\s+(?:nghìn|ngàn|triệu|tỷ|tỉ)(?:\s+đồng)?|phần trăm|miễn phí|miễn lệ phí|miễn tiền|không mất (?:tiền|phí|lệ phí|chi phí|đồng nào)|không thu (?:tiền|phí|lệ phí)|không phải (?:trả|đóng|nộp|mất) (?:tiền|phí|lệ phí)|không tốn (?:tiền|phí)|không có phí|không phải trả phí`,
  ),
  // A length of time, a date, or "right away".
  duration: words(
    String.raw`${COUNT}\s*(?:ngày|giờ|tiếng|tháng|năm|tuần|phút)|\d{1,2}/\d{1,2}(?:/\d{2,4})?|ngay|ngay lập tức|lập tức|tức thì|trong ngày|trong vòng|ngày làm việc`,
  ),
  // A place, body or channel named as where to go ("tại công an xã", "nộp cho UBND"), a web address or a store:
  // "mở Zalo, ứng dụng ngân hàng" names apps, not where to get one.
  where: words(
    String.raw`(?:tại|ở|đến|tới|ra|lên|về|vào|qua|trên|từ|cho|gửi|liên hệ|hỏi|nhờ)\s+(?:[\p{L}\d]+\s+){0,2}?(?:${PLACE})|[\w-]+(?:\.[\w-]+)*\.(?:vn|com|org|net)|ch play|google play|app store|bộ phận một cửa|trung tâm phục vụ hành chính công|trực tuyến|online|tại nhà`,
  ),
  // A paper to bring or fill in, or the statement that none is needed.
  papers: words(
    String.raw`giấy|giấy tờ|tờ khai|đơn|bản sao|bản chính|thẻ|sổ|ảnh|hồ sơ|căn cước|cccd|chứng minh|hộ chiếu|mẫu|trích lục|hợp đồng|biên bản|bằng lái|giấy phép|văn bản|chứng từ|hóa đơn|hoá đơn`,
  ),
};

/**
 * Phrases (folded, as `foldedWords` reads them) that ask for each checked
 * kind. Narrower than the intents: "sợ mất tiền" or "trả tiền ở quán" mention
 * money without asking for an amount, and "lệ phí trực tuyến là gì" asks what
 * it is.
 */
const ASKS: Partial<Record<Intent, RegExp>> = {
  cost: / ((le phi|phi|chi phi|tien) (bao nhieu|the nao|nhu the nao|ra sao|het bao nhieu)|bao nhieu tien|het bao nhieu|mat bao nhieu|ton bao nhieu|bao nhieu dong|(co|phai) (mat|ton|thu|tra|dong|nop) (tien|phi|le phi|chi phi)|(mat|ton) (tien|phi) (khong|chua|a|vay|nhi|khong a)|co phi khong|co mien phi|mien phi (khong|a|chu|hay khong)|tinh phi|thu phi) /,
  duration:
    / (bao lau|may ngay|bao nhieu ngay|bao nhieu lau|may phut|may thang|may tuan|may hom|mat bao lau|thoi gian giai quyet|trong bao lau|bao gio co|bao gio nhan|khi nao co|khi nao nhan|khi nao duoc cap) /,
  where:
    / (o dau|cho nao|noi nao|den dau|tai dau|di dau|nop dau|lam dau|nop o|lam o|dang ky o|co quan nao|ben nao|o cho nao) /,
  papers:
    / (giay to gi|giay to nao|nhung giay to|giay to can|can giay to|can nhung giay|ho so gom|ho so gi|ho so can|can ho so|thanh phan ho so|can mang|mang theo gi|mang theo nhung gi|mang gi|chuan bi gi|chuan bi nhung gi) /,
};

/** What a question is read as for this check: its intents and its asking clauses. */
export interface AskedQuestion {
  readonly intents: readonly Intent[];
  readonly parts: readonly { readonly text: string }[];
}

/** The checked kinds a question asks for in so many words. */
export function askedKinds(q: AskedQuestion): Intent[] {
  const folded = q.parts.map((p) => foldedWords(p.text));
  return (Object.keys(ASKS) as Intent[]).filter((k) => folded.some((f) => ASKS[k]?.test(f)));
}

/**
 * True when the text holds at least one checked kind the question asks for.
 * Also true when the question asks no checked kind, reads as no question at
 * all (no intent: "báo trúng thưởng phải nộp phí vận chuyển"), or asks
 * something else as well that the vocabularies do not judge (steps, a
 * definition, "có phải lên huyện không"): the passage may answer that, and a
 * question in two parts gets its other part from a second passage.
 */
export function holdsAsked(q: AskedQuestion, text: string): boolean {
  const kinds = askedKinds(q);
  if (kinds.length === 0 || q.intents.length === 0) return true;
  // "khi nào có" reads as both "when" and "duration"; the duration words judge both.
  const judged = (i: Intent): boolean => kinds.includes(i) || (i === 'when' && kinds.includes('duration'));
  if (!q.intents.every(judged)) return true;
  const t = text.normalize('NFC');
  return kinds.some((k) => HOLDS[k]?.test(t) ?? true);
}
