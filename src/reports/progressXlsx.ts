/**
 * @module reports/progressXlsx
 *
 * The progress report as an Excel workbook, one sheet per view, written with
 * exceljs's streaming WorkbookWriter: each row is committed (serialised into
 * the zip stream) as soon as it is added, so the file is never whole in
 * memory. Header rows are bold on a light fill and frozen, so they stay in
 * view while staff scroll; shares carry a percentage number format, so they
 * stay numbers Excel can sum and chart.
 */
import type { Writable } from 'node:stream';
import type ExcelJSModule from 'exceljs';
import { progressTables, type ColumnKind, type Table } from './progressTables.js';
import { reportTitle } from './progressCsv.js';
import type { ProgressReport } from './progressTypes.js';

const HEADER_FILL = 'FFDDEBF7';
const NUMBER_FORMAT: Readonly<Record<ColumnKind, string | undefined>> = {
  text: undefined,
  id: undefined,
  int: '#,##0',
  share: '0.0%',
};

let excelJs: Promise<typeof ExcelJSModule> | undefined;

/**
 * exceljs and its zip libraries are loaded at the first XLSX export, not at
 * start-up: loaded eagerly they raised bench:load's peak from 194 MB to
 * 215 MB (over the 200 MB target) for an export most days never need.
 */
function loadExcelJs(): Promise<typeof ExcelJSModule> {
  excelJs ??= import('exceljs').then((m) => m.default);
  return excelJs;
}

/**
 * Writes the workbook to `out` and resolves once the last byte is handed to
 * it (exceljs ends the stream itself). Text is written as text, never as a
 * formula, so a hamlet name starting with "=" cannot run in Excel.
 */
export async function writeProgressXlsx(report: ProgressReport, out: Writable): Promise<void> {
  await writeTablesXlsx(reportTitle(report)[0] ?? '', progressTables(report), out);
}

/** Any report laid out as tables (progressTables, provinceTables), one sheet per table, as above. */
export async function writeTablesXlsx(title: string, tables: readonly Table[], out: Writable): Promise<void> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Hocvuso';
  workbook.title = title;
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((c, i) => ({
      key: String(i),
      width: c.width,
      ...(NUMBER_FORMAT[c.kind] !== undefined && { style: { numFmt: NUMBER_FORMAT[c.kind] } }),
    }));
    const header = sheet.addRow(table.columns.map((c) => c.header));
    header.font = { bold: true };
    header.eachCell((cell) => {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
      cell.numFmt = '@';
    });
    header.commit();
    for (const row of table.rows) sheet.addRow(row.map((v) => v ?? null)).commit();
    sheet.commit();
  }
  await workbook.commit();
}
