/**
 * @module content/starterCommune
 *
 * The commune.yaml `cli commune add` writes into a new commune's folder: the
 * name staff gave, the plan's target groups and core quizzes, and empty
 * hamlets, targets and contacts with the form to fill them in. Nothing is
 * invented: the plan names no hamlet, and another commune's targets or
 * phone numbers would be wrong here. The file reads back through the same
 * `parseCommune` as a hand-written one, with no problem.
 */
import { DEFAULT_COMMUNE } from './loadCommune.js';

/** commune.yaml text for a new commune `id` called `name` (a one-line name, already validated). */
export function starterCommuneYaml(id: string, name: string): string {
  // JSON's double-quoted string is a valid YAML double-quoted scalar.
  const quote = (s: string): string => JSON.stringify(s);
  const groups = DEFAULT_COMMUNE.groups.map((g) => `  - id: ${g.id}\n    name: ${quote(g.name)}`).join('\n');
  const core = DEFAULT_COMMUNE.coreQuizzes.map((id) => `  - ${id}`).join('\n');
  return `# Thông tin của ${name} dùng cho trợ lý Hocvuso: danh sách xóm/khối, nhóm đối tượng,
# mục tiêu của Kế hoạch, các bài kiểm tra cốt lõi và nơi liên hệ.
# Tệp do lệnh "cli commune add" tạo ra. Cán bộ xã điền các mục còn trống rồi chạy
# "npm run -s cli -- quiz check --commune ${id}" để kiểm tra.
# Mã (id) chỉ gồm chữ thường không dấu, số và dấu gạch ngang, ví dụ: xom-1, khoi-tan-hung.
# KHÔNG đổi mã đã dùng: kết quả của bà con được lưu theo mã, đổi mã sẽ tách số liệu cũ.

name: ${quote(name)}

# Danh sách xóm/khối chính thức của xã. Trợ lý KHÔNG tự đặt tên xóm/khối.
# Điền theo mẫu dưới đây (bỏ dấu [] và thêm từng dòng):
#
# hamlets:
#   - id: xom-1
#     name: "Xóm 1"
#
# Khi danh sách còn trống, kết quả của bà con được tính vào mục "chưa rõ".
hamlets: []

# Nhóm đối tượng theo mục "Mục tiêu cụ thể" của Kế hoạch Bình dân học vụ số.
groups:
${groups}

# Mục tiêu (tỷ lệ %) theo từng năm, chép đúng từ Kế hoạch của xã, ghi rõ mục nào.
# Mỗi dòng ghi mã nhóm đối tượng ở trên; vneid_certified là tỷ lệ người dân trong độ tuổi
# trưởng thành được xác nhận đạt phổ cập tri thức về chuyển đổi số, kỹ năng số trên VNeID.
# Mẫu (thay <…> bằng con số trong Kế hoạch, bỏ dấu {} ở dòng "targets"):
#
# targets:
#   <năm>:
#     can-bo-cong-chuc: <tỷ lệ %>
#     nguoi-dan: <tỷ lệ %>
#     vneid_certified: <tỷ lệ %>
targets: {}

# Các bài kiểm tra cốt lõi: đạt hết các bài này thì được tính là "hoàn thành chương trình".
# Mỗi mã phải trùng với \`id\` của một bài trong knowledge/quizzes/ hoặc trong thư mục quizzes/ của xã.
core_quizzes:
${core}

# Nơi bà con hỏi trực tiếp một người (bộ phận một cửa, công an xã, Tổ công nghệ số cộng đồng).
# Trợ lý KHÔNG tự nghĩ ra số hay địa chỉ nào. Điền theo mẫu trong knowledge/commune.yaml
# (mục contacts); số điện thoại viết trong dấu "ngoặc kép".
contacts: {}
`;
}
