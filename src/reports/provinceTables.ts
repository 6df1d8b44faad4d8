/**
 * @module reports/provinceTables
 *
 * The province view laid out as tables for the CSV and XLSX exports (the
 * same writers as a commune's progress report): one row per commune with,
 * for each indicator a–đ, its completions, population, share, the commune's
 * own target and whether it is met; then the week's passes; a total row;
 * and the indicators in the plan's words. A population nobody entered reads
 * "chưa có số dân", never 0.
 */
import { PLAN_SECTION, clampPlanYear } from './planIndicators.js';
import { metLabel, targetLabel, type Column, type ColumnKind, type Table, type Value } from './progressTables.js';
import type { ProgressCell } from './progressTypes.js';
import type { ProvinceReport } from './provinceReport.js';

/** What a cell says instead of a population (and a share) staff have not entered. */
export const NO_POPULATION = 'chưa có số dân';

const col = (header: string, kind: ColumnKind, width = 14): Column => ({ header, kind, width });

function cellValues(c: ProgressCell, withTarget: boolean): Value[] {
  return [
    c.completed,
    c.population ?? NO_POPULATION,
    c.share,
    ...(withTarget ? [targetLabel(c.target), c.target === null ? '' : metLabel(c.met)] : ['', '']),
  ];
}

export function provinceTitle(report: ProvinceReport): string[] {
  const year = clampPlanYear(report.year);
  return [
    'Tiến độ Bình dân học vụ số - Toàn tỉnh',
    `Mục tiêu năm ${year} của từng xã (Kế hoạch, mục ${PLAN_SECTION[year]}); lập lúc ${report.generatedAt}`,
  ];
}

export function provinceTables(report: ProvinceReport): Table[] {
  const columns: Column[] = [
    col('Xã/phường', 'text', 28),
    ...report.headers.flatMap((h) => [
      col(`${h.letter}: Số người hoàn thành`, 'int'),
      col(`${h.letter}: Dân số`, 'int', 12),
      col(`${h.letter}: Tỷ lệ`, 'share', 10),
      col(`${h.letter}: Mục tiêu`, 'text', 12),
      col(`${h.letter}: Đánh giá`, 'text', 12),
    ]),
    col(`Lượt đạt bài kiểm tra tuần này (từ ${report.weekStart})`, 'int', 18),
    col('commune_id', 'id', 18),
  ];
  return [
    {
      name: 'Toàn tỉnh',
      columns,
      rows: [
        ...report.communes.map((c) => [
          c.communeName,
          ...c.indicators.flatMap((i) => cellValues(i, true)),
          c.passesThisWeek,
          c.communeId,
        ]),
        ['Tổng cộng', ...report.total.indicators.flatMap((i) => cellValues(i, false)), report.total.passesThisWeek, ''],
      ],
    },
    {
      name: 'Chỉ tiêu',
      columns: [col('Mục', 'text', 6), col('Chỉ tiêu theo Kế hoạch', 'text', 100)],
      rows: report.headers.map((h) => [h.letter, h.label]),
    },
  ];
}
