/**
 * @module content/csvRead
 *
 * Reads CSV the way office spreadsheets write it: RFC 4180 quoting (a quoted
 * cell may hold the delimiter, "" and line breaks), CRLF or LF line ends, and
 * either ',' or ';' between cells (Excel on a Vietnamese-locale PC saves
 * with ';'). Each record keeps the line it starts on, so an error can say
 * "dòng 7" and staff find it in their editor.
 */

export type CsvDelimiter = ',' | ';';

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  readonly line: number;
  readonly cells: readonly string[];
}

export type CsvReadResult =
  { readonly ok: true; readonly records: CsvRecord[] } | { readonly ok: false; readonly error: string };

/** Splits `text` into records; never throws. An unclosed quote is the one error. */
export function readCsv(text: string, delimiter: CsvDelimiter): CsvReadResult {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 1;
  let i = 0;
  const endRecord = (): void => {
    cells.push(cell);
    records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && cell.trim() === '') {
      quoted = true;
      quoteLine = line;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      // CRLF: the \n below ends the record.
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += ch;
    }
    i++;
  }
  if (quoted) {
    return { ok: false, error: `dòng ${quoteLine}: có dấu ngoặc kép (") mở mà không đóng` };
  }
  if (cell !== '' || cells.length > 0) endRecord();
  return { ok: true, records };
}

/**
 * The delimiter of the header line: ';' when it has one outside quotes,
 * else ','. Headers here contain commas inside quotes ("Cán bộ, công chức…")
 * and never a semicolon, so this cannot mistake one for the other.
 */
export function guessDelimiter(text: string): CsvDelimiter {
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ';') return ';';
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
  }
  return ',';
}
