/**
 * @module core/stats/texts
 *
 * What the assistant says for the emulation board and the staff summary.
 * Numbers are written the Vietnamese way (45,5%; 2.000), and a share that
 * cannot be computed says so in words instead of showing 0%.
 */
import type { BoardRow, ProgressSummary, Ranking, SummaryTarget } from './types.js';

const count = new Intl.NumberFormat('vi-VN');
const percent = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

/** 0.455 → "45,5%", 1 → "100%". */
export function formatShare(share: number): string {
  return `${percent.format(share * 100)}%`;
}

export function formatCount(n: number): string {
  return count.format(n);
}

export function formatTarget(target: SummaryTarget): string {
  return `${target.strict ? 'trên ' : ''}${formatShare(target.share)}`;
}

export const NO_POPULATION = 'chưa có số dân';
export const SHARE_UNKNOWN = 'Chưa có số dân: chưa tính được tỷ lệ';

export const BOARD_TITLE = 'Bảng xếp hạng thi đua “Bình dân học vụ số”';

export const STAFF_ONLY =
  'Lệnh /thongke chỉ dành cho cán bộ xã đã được liên kết tài khoản. ' +
  'Bà con có thể gõ /bangxephang để xem bảng xếp hạng thi đua giữa các xóm.';

export const STATS_UNAVAILABLE = 'Hiện chưa xem được số liệu thi đua. Bà con vui lòng thử lại sau.';

function rankedLine(row: BoardRow): string {
  return `${row.rank ?? '–'}. ${row.hamletName}: ${formatShare(row.share ?? 0)} (${formatCount(row.completed)}/${formatCount(row.population ?? 0)} người)`;
}

/** The board as a short chat message: ranked hamlets, then those without population, then "chưa rõ xóm". */
export function boardText(board: Ranking): string {
  const ranked = board.rows.filter((r) => r.rank !== null);
  const unranked = board.rows.filter((r) => r.rank === null);
  if (board.rows.length === 0) {
    return board.unknownHamlet > 0
      ? `${BOARD_TITLE}\nXã chưa nhập danh sách xóm nên chưa xếp hạng được. ` +
          `Đã có ${formatCount(board.unknownHamlet)} người hoàn thành chương trình.`
      : `${BOARD_TITLE}\nChưa có số liệu để xếp hạng: xã chưa nhập danh sách xóm.`;
  }
  const lines = [BOARD_TITLE];
  if (ranked.length > 0) {
    lines.push('Tỷ lệ người dân đã hoàn thành chương trình, theo xóm:', ...ranked.map(rankedLine));
  }
  if (unranked.length > 0) {
    lines.push(`Chưa xếp hạng (${NO_POPULATION}):`);
    lines.push(...unranked.map((r) => `• ${r.hamletName}: ${formatCount(r.completed)} người đã hoàn thành`));
  }
  if (board.unknownHamlet > 0) lines.push(`Chưa rõ xóm: ${formatCount(board.unknownHamlet)} người đã hoàn thành.`);
  return lines.join('\n');
}

/** Today's summary for a staff member, in five short lines. */
export function summaryText(s: ProgressSummary): string {
  const target = s.target ? ` Mục tiêu năm ${s.year}: ${formatTarget(s.target)}.` : '';
  const share =
    s.share !== null && s.population !== null
      ? `• Tỷ lệ so với số dân đã nhập: ${formatShare(s.share)} (${formatCount(s.total)}/${formatCount(s.population)} người).${target}`
      : `• ${SHARE_UNKNOWN}.${target}`;
  return [
    `Thống kê hoàn thành chương trình (năm ${s.year})`,
    `• Hôm nay: ${formatCount(s.today)} người`,
    `• Tuần này: ${formatCount(s.week)} người`,
    `• Tổng cộng: ${formatCount(s.total)} người`,
    share,
  ].join('\n');
}
