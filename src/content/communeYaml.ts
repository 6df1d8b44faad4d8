/**
 * @module content/communeYaml
 *
 * The commune settings in force written back as commune.yaml: what staff
 * typed in the console can be kept with the knowledge folder, copied to
 * another install, or reviewed like any file. The output is read by the same
 * `parseCommune` as a hand-written file and gives the same commune back.
 * Population figures are not part of it (they are data, with their own CSV).
 */
import { Document } from 'yaml';
import { contactsToRaw } from './communeContacts.js';
import { VNEID_CERTIFIED, type CommuneConfig } from './loadCommune.js';

const HEADER = [
  ' Thông tin của xã dùng cho trợ lý Hocvuso, xuất từ trang Cài đặt của cán bộ xã.',
  ' Có thể chép tệp này thành knowledge/commune.yaml; chạy "npm run -s cli -- quiz check" để kiểm tra.',
  ' KHÔNG đổi mã (id) xóm/khối đã dùng: kết quả của bà con được lưu theo mã.',
].join('\n');

/** commune.yaml text for `commune` (keys in the file's usual order). */
export function communeToYaml(commune: CommuneConfig): string {
  const targets = Object.fromEntries(
    commune.targets.map((t) => [
      String(t.year),
      { ...t.groups, ...(t.vneidCertified === undefined ? {} : { [VNEID_CERTIFIED]: t.vneidCertified }) },
    ]),
  );
  const doc = new Document({
    name: commune.name,
    hamlets: commune.hamlets.map((h) => ({ id: h.id, name: h.name })),
    groups: commune.groups.map((g) => ({ id: g.id, name: g.name })),
    targets,
    core_quizzes: [...commune.coreQuizzes],
    contacts: contactsToRaw(commune.contacts),
  });
  doc.commentBefore = HEADER;
  // Quoted like the hand-written file, so a phone number keeps its leading 0 if someone edits it.
  return doc.toString({ lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}
