/**
 * @module reports/progressNotes
 *
 * The plain Vietnamese notes under a progress report: what staff still have
 * to enter for a share to be computed, and how to read the figures. A report
 * with every share null and no word why would look broken; with these notes
 * it says what is missing and where to fill it in.
 */
import type { CommuneConfig } from '../content/loadCommune.js';
import type { Denominators } from './denominators.js';
import type { PlanYear } from './planIndicators.js';
import type { ProgressQuery } from './progressTypes.js';

/** At most this many hamlets are named in one note; the rest are counted. */
const NAMED_HAMLETS = 8;

export interface NotesInput {
  readonly commune: CommuneConfig;
  readonly year: PlanYear;
  readonly section: string;
  readonly query: ProgressQuery;
  readonly dens: Denominators;
  /** The hamlet in scope, or undefined for the whole commune. */
  readonly scope: readonly string[] | undefined;
  readonly knownGroups: readonly string[];
  readonly hasTargets: boolean;
  readonly certifiedKnown: boolean;
  readonly unknownHamletCompletions: number;
  readonly missWindow: number;
}

/** 2026-12-06 → 06/12/2026, as staff write dates. */
export function viDate(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

const count = (n: number): string => n.toLocaleString('vi-VN');

export function progressNotes(input: NotesInput): string[] {
  const { commune, query, dens } = input;
  const notes: string[] = [];
  const hamletName = new Map(commune.hamlets.map((h) => [h.id, h.name]));
  const groupName = new Map(commune.groups.map((g) => [g.id, g.name]));

  if (query.from !== undefined || query.to !== undefined) {
    const from = query.from === undefined ? 'khi bắt đầu' : `ngày ${viDate(query.from)}`;
    const to = query.to === undefined ? 'nay' : `ngày ${viDate(query.to)}`;
    notes.push(`Số liệu tính từ ${from} đến ${to} (theo giờ Việt Nam), theo ngày hoàn thành.`);
  }
  if (!input.hasTargets) {
    notes.push(
      `Tệp commune.yaml chưa có mục tiêu năm ${input.year} (mục "targets:"): chưa so được với mục tiêu ` +
        `của Kế hoạch, mục ${input.section}.`,
    );
  }
  if (commune.hamlets.length === 0) {
    notes.push(
      'Danh sách xóm/khối trong commune.yaml còn trống: kết quả của bà con được tính vào mục "chưa rõ" ' +
        'và chưa chia được theo xóm/khối.',
    );
  }

  if (!dens.anyPopulation) {
    notes.push(
      'Chưa nhập dân số theo xóm/khối và nhóm đối tượng: tỷ lệ so với mục tiêu chưa tính được. ' +
        'Cán bộ xã nhập dân số để thấy tỷ lệ.',
    );
  } else {
    const missing = dens.population(input.scope, input.knownGroups).missing;
    const perHamlet = new Map<string, string[]>();
    for (const m of missing) {
      const list = perHamlet.get(m.hamletId) ?? [];
      list.push(groupName.get(m.groupId) ?? m.groupId);
      perHamlet.set(m.hamletId, list);
    }
    const named = [...perHamlet].slice(0, NAMED_HAMLETS);
    for (const [hamletId, groups] of named) {
      notes.push(
        `Chưa nhập dân số của ${hamletName.get(hamletId) ?? hamletId} (${groups.join('; ')}): ` +
          'tỷ lệ của các nhóm này chưa tính được.',
      );
    }
    if (perHamlet.size > named.length) {
      notes.push(`Còn ${count(perHamlet.size - named.length)} xóm/khối khác cũng chưa nhập đủ dân số.`);
    }
  }
  if (!input.certifiedKnown) {
    notes.push(
      'Chưa nhập số người dân trưởng thành được xác nhận đạt phổ cập trên VNeID: ' +
        `tỷ lệ chỉ tiêu d (mục ${input.section}.d) chưa tính được.`,
    );
  }
  if (input.unknownHamletCompletions > 0) {
    notes.push(
      `${count(input.unknownHamletCompletions)} người hoàn thành chưa cho biết xóm/khối: ` +
        'được tính vào tổng của xã, không vào xóm/khối nào.',
    );
  }
  notes.push(
    `Câu hỏi hay sai được tính trên tối đa ${count(input.missWindow)} lượt làm bài gần nhất ` +
      'của phiên bản bài kiểm tra đang dùng.',
  );
  return notes;
}
