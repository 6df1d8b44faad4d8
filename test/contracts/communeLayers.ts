/**
 * A knowledge folder laid out for many communes (rag/knowledgeLayers): the
 * bundled national pages, and one commune's own folder that adds pages,
 * replaces a national page, and replaces a national FAQ file with one of its
 * own that answers one of the national entries its own way. Used
 * by the parity tests of the shared national index (test/integration/
 * layeredIndex.parity.test.ts, test/pg/knowledgeParity.test.ts).
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLED_KNOWLEDGE, writeTree } from '../helpers.js';

/** A national page the commune replaces, and a national FAQ entry it answers its own way. */
export const REPLACED_PAGE = 'vneid/quen-mat-khau.md';
export const REPLACED_FAQ_FILE = 'faq/an-toan.yaml';
export const REPLACED_FAQ_ID = 'at-cai-ung-dung-o-dau';

/** Copies the bundled knowledge to `root` and writes `communes/<communeId>/` under it. */
export function writeLayeredKnowledge(root: string, communeId: string): void {
  cpSync(BUNDLED_KNOWLEDGE, root, { recursive: true });
  writeTree(join(root, 'communes', communeId), {
    [REPLACED_PAGE]:
      '---\ntitle: Quên mật khẩu VNeID ở xã\n---\n\n# Quên mật khẩu VNeID\n\n' +
      'Bà con quên mật khẩu VNeID mang căn cước đến công an xã vào sáng thứ hai để được hỗ trợ đặt lại mật khẩu.\n',
    'xa/gio-lam-viec.md':
      '# Giờ làm việc của xã\n\n## Bộ phận một cửa\n\nBộ phận một cửa làm việc cả sáng thứ bảy, nghỉ chiều thứ sáu để họp giao ban.\n\n' +
      '## Nhà văn hóa\n\nNhà văn hóa xóm Đông mở lớp kỹ năng số tối thứ tư hằng tuần, mang theo điện thoại thông minh.\n',
    'xa/ngan-hang-so.md':
      '# Mở tài khoản ngân hàng số ở xã\n\nChi nhánh ngân hàng chính sách xã hướng dẫn mở tài khoản ngân hàng số, ' +
      'nhận lương hưu và trợ cấp qua tài khoản, tại trụ sở xã ngày 15 hằng tháng. Xamcheck là tên lớp học của đoàn thanh niên.\n',
    [REPLACED_FAQ_FILE]:
      `- id: ${REPLACED_FAQ_ID}\n  question: Cài ứng dụng ở đâu cho an toàn?\n  variants:\n    - tai app o dau an toan\n` +
      '  answer: Bà con nhờ cán bộ xã cài ứng dụng từ CH Play hoặc App Store.\n  source: xa/gio-lam-viec.md\n',
    'faq/xa.yaml':
      '- id: xa-mo-cua-thu-bay\n  question: Xã có làm việc thứ bảy không?\n  variants:\n    - thu bay xa co lam khong\n' +
      '  answer: Bộ phận một cửa làm việc cả sáng thứ bảy.\n  source: xa/gio-lam-viec.md\n',
  });
}

/** Questions that reach the commune's own pages, the replaced ones, and its misspelt words. */
export const LAYERED_QUESTIONS = [
  'quên mật khẩu vneid thì làm sao',
  'quen mat khau vneid',
  'xã có làm việc thứ bảy không',
  'cán bộ thuế gọi bảo cài app',
  'mở tài khoản ngân hàng số ở đâu',
  'nganhang so nhan luong huu',
  'lop xamchek o dau',
  'nhà văn hóa mở lớp kỹ năng số khi nào',
  'vneidd mat khau',
];
