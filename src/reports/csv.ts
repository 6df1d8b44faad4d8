/**
 * @module reports/csv
 *
 * CSV as Excel on a commune office PC reads it: a UTF-8 byte-order mark (or
 * Excel guesses the legacy code page and Vietnamese turns to mojibake), CRLF
 * line ends, and RFC 4180 quoting. Text that Excel would run as a formula is
 * defused, because hamlet names and titles come from files anyone on staff can edit.
 */

/** Put first in the file so Excel decodes it as UTF-8. */
export const BOM = '\uFEFF';

/** RFC 4180 and Excel both expect CRLF between records. */
export const CRLF = '\r\n';

/** Quotes, line breaks, edge spaces and the file's own separator need quoting. */
const NEEDS_QUOTES: Readonly<Record<string, RegExp>> = {
  ',': /[",\r\n]|^\s|\s$/,
  ';': /[";\r\n]|^\s|\s$/,
};

/** Excel in a Vietnamese locale splits on ';' (the comma is its decimal mark); ',' for everything else. */
export type CsvSeparator = ';' | ',';

/** Cells starting like this are formulas to Excel (CSV injection); a leading apostrophe shows them as text. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: numbers as written, text quoted when needed and defused when it would be a formula. */
export function csvCell(value: string | number, separator: CsvSeparator = ','): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return (NEEDS_QUOTES[separator] ?? /[",;\r\n]|^\s|\s$/).test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, without its line end. */
export function csvRow(cells: readonly (string | number)[], separator: CsvSeparator = ','): string {
  return cells.map((cell) => csvCell(cell, separator)).join(separator);
}

/** A whole file: BOM, header, records, each line ended by CRLF. */
export function csvDocument(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const lines = [csvRow(header)];
  for (const row of rows) lines.push(csvRow(row));
  return BOM + lines.join(CRLF) + CRLF;
}
