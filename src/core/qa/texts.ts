/**
 * @module core/qa/texts
 *
 * Everything the Q&A feature says to a resident, in one place, so staff and
 * reviewers can read the voice of the assistant without reading code. Polite,
 * plain Vietnamese; no promise the assistant cannot keep; no phone number or
 * address that is not in the knowledge base.
 */
import type { OutOfScopeTopic } from './scope.js';

export const WHERE_TO_ASK =
  'Bà con có thể hỏi trực tiếp Trung tâm phục vụ hành chính công (bộ phận một cửa) của xã Hùng Châu, ' +
  'hoặc nhờ Tổ công nghệ số cộng đồng ở xóm, khối mình hướng dẫn.';

export const VNEID_LINE =
  'Với câu hỏi về tài khoản VNeID, bà con cũng có thể hỏi công an xã, hoặc gọi đường dây 1900 0368 của Bộ Công an ' +
  '(hỗ trợ về dữ liệu dân cư, căn cước và định danh điện tử; đây là số 1900 nên người gọi trả cước).';

export const UNSURE =
  'Xin lỗi, tôi chưa tìm thấy thông tin chắc chắn cho câu hỏi này trong tài liệu của xã, nên không dám trả lời để tránh sai sót.';

export const OUT_OF_SCOPE_INTRO =
  'Câu hỏi này nằm ngoài phạm vi của trợ lý. Tôi chỉ hỗ trợ về VNeID, dịch vụ công trực tuyến, kỹ năng số, ' +
  'an toàn trên mạng và phong trào Bình dân học vụ số của xã.';

export const OUT_OF_SCOPE_HINT: Record<OutOfScopeTopic, string> = {
  weather: 'Về thời tiết, bà con xem bản tin dự báo trên truyền hình, đài phát thanh hoặc loa truyền thanh của xã.',
  sport: 'Về thể thao, bà con xem trên báo chí và truyền hình.',
  gambling: 'Tôi không cung cấp thông tin về xổ số hay cá cược.',
  medical:
    'Về sức khỏe và thuốc men, bà con hãy hỏi nhân viên y tế hoặc bác sĩ, đừng tự dùng thuốc theo lời khuyên trên mạng.',
  legal:
    'Về tranh chấp hay tư vấn pháp luật cho từng trường hợp, bà con nên hỏi công chức tư pháp của xã hoặc luật sư.',
  finance: 'Về giá cả, tỷ giá hay đầu tư, bà con xem nguồn tin chính thống; cẩn thận với lời mời đầu tư trên mạng.',
  entertainment: 'Tôi chỉ là trợ lý học kỹ năng số nên không có nội dung giải trí.',
};

export const RELATED_PAGES = 'Các trang có thể liên quan:';
export const SOURCE_LABEL = 'Nguồn';
export const RELATED_QUESTIONS = 'Câu hỏi liên quan';

export const DID_YOU_MEAN =
  'Có phải bà con muốn hỏi một trong những điều dưới đây không? Bà con chọn để xem câu trả lời.';

/** A question that says what is asked but not about what ("cần giấy tờ gì?"), with no earlier topic. */
export const NEED_TOPIC =
  'Bà con hỏi cho việc gì ạ? Ví dụ: "đăng ký định danh mức 2 cần giấy tờ gì", "khai sinh online làm ở đâu". ' +
  'Bà con gõ rõ tên việc cần làm để tôi tìm đúng hướng dẫn.';
