/**
 * @module reports/progressCsv
 *
 * The progress report as one CSV file for Excel: a title, then each view
 * (indicators a–đ, hamlets, groups, weeks, quizzes, failed questions,
 * notes) under its own heading and header row, separated by a blank line.
 * Produced line by line as a generator, so the HTTP response and the CLI
 * stream it and never hold the whole file. Shares are written as
 * percentages with the separator's locale decimal mark ("80,0%" beside ';'),
 * which Excel reads back as numbers.
 */
import { BOM, CRLF, csvRow, type CsvSeparator } from './csv.js';
import { PLAN_SECTION, clampPlanYear } from './planIndicators.js';
import { progressTables, type Column, type Table, type Value } from './progressTables.js';
import type { ProgressReport } from './progressTypes.js';

export function formatShare(share: number, separator: CsvSeparator): string {
  const text = `${(share * 100).toFixed(1)}%`;
  return separator === ';' ? text.replace('.', ',') : text;
}

function csvValue(value: Value, column: Column, separator: CsvSeparator): string | number {
  if (value === null) return '';
  if (column.kind === 'share' && typeof value === 'number') return formatShare(value, separator);
  return value;
}

/** The report's title lines: what, where, which year's targets, when. */
export function reportTitle(report: ProgressReport): string[] {
  const year = clampPlanYear(report.query.year);
  return [
    `Báo cáo tiến độ Bình dân học vụ số - ${report.communeName}`,
    `Mục tiêu năm ${year} (Kế hoạch, mục ${PLAN_SECTION[year]}); lập lúc ${report.generatedAt}`,
  ];
}

/** The file, chunk by chunk (BOM first, CRLF line ends). */
export function* progressCsv(report: ProgressReport, separator: CsvSeparator = ';'): Generator<string> {
  yield* tablesCsv(reportTitle(report), progressTables(report), separator);
}

/** Title lines, then each table under its name and header row (progressTables, provinceTables), chunk by chunk. */
export function* tablesCsv(
  title: readonly string[],
  tables: readonly Table[],
  separator: CsvSeparator = ';',
): Generator<string> {
  const line = (cells: readonly (string | number)[]): string => csvRow(cells, separator) + CRLF;
  yield BOM + title.map((t) => line([t])).join('');
  for (const table of tables) {
    let chunk = CRLF + line([table.name]) + line(table.columns.map((c) => c.header));
    for (const row of table.rows) {
      chunk += line(
        row.map((v, i) => csvValue(v, table.columns[i] ?? { header: '', kind: 'text', width: 0 }, separator)),
      );
      if (chunk.length > 16_384) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
  }
}
