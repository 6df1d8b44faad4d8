/**
 * @module content/populationCsv
 *
 * The population file staff fill in: one row per hamlet, one column per
 * target group, and an optional column for the adults certified on VNeID
 * (plan §III d). The template is generated from the hamlets and groups in
 * force, with the figures already entered, so staff download it, change what
 * changed and upload it. The same rules serve the console upload, the typed
 * grid and `cli population import`: whole non-negative numbers, known hamlets
 * and groups, each hamlet once. A file with any wrong row saves nothing, and
 * every wrong row is named by its line number, in Vietnamese.
 */
import { z } from 'zod';
import type { NamedItem } from '../core/registry/types.js';
import type { CertifiedCount, PopulationCount } from '../core/stores/reports.js';
import { csvDocument } from '../reports/csv.js';
import type { PopulationEdit } from '../core/stores/populationEdit.js';
import { guessDelimiter, readCsv } from './csvRead.js';

/** Largest file read: the template of 200 hamlets is about 20 KB. */
export const POPULATION_CSV_MAX_BYTES = 256 * 1024;

/** More people than live in any hamlet: a figure above it is a typing mistake. */
export const MAX_PEOPLE = 1_000_000;

export const HEADER_HAMLET_ID = 'Mã xóm/khối';
export const HEADER_HAMLET_NAME = 'Tên xóm/khối';
export const HEADER_CERTIFIED = 'Người đã được xác nhận trên VNeID';

/** The lists a file is checked against. */
export interface PopulationLists {
  readonly hamlets: readonly NamedItem[];
  readonly groups: readonly NamedItem[];
}

/** One hamlet's figures from a file or the grid; `null` clears a figure, a missing key leaves it. */
export interface HamletFigures {
  readonly hamletId: string;
  readonly people: Readonly<Record<string, number | null>>;
  /** Absent when the file has no VNeID column. */
  readonly certified?: number | null;
}

export type PopulationParse =
  { readonly ok: true; readonly rows: HamletFigures[] } | { readonly ok: false; readonly errors: string[] };

/** Header text compared the way people see it: NFC, case and spacing ignored. */
function fold(s: string): string {
  return s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');
}

const NOT_A_COUNT = 'phải là số nguyên từ 0 trở lên, viết liền không dấu chấm, dấu phẩy, ví dụ 1250';

/** A cell's text: a whole number of people, or blank (not entered). */
const CountSchema = z
  .string()
  .transform((s) => s.normalize('NFC').trim())
  .refine((s) => s === '' || /^\d+$/.test(s), NOT_A_COUNT)
  .transform((s) => (s === '' ? null : Number(s)))
  .refine((n) => n === null || n <= MAX_PEOPLE, `lớn hơn ${MAX_PEOPLE.toLocaleString('vi-VN')}, chắc là gõ nhầm`);

/**
 * One typed figure: a whole number from 0, or blank (unknown). Returns the
 * number, null for blank, or the Vietnamese reason it is refused.
 */
export function parseCount(raw: string): { ok: true; value: number | null } | { ok: false; reason: string } {
  const result = CountSchema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, reason: `"${raw.trim()}" ${result.error.issues[0]?.message ?? NOT_A_COUNT}` };
}

/** The template's header: id, name, one column per group, the VNeID column. */
export function templateHeader(lists: PopulationLists): string[] {
  return [HEADER_HAMLET_ID, HEADER_HAMLET_NAME, ...lists.groups.map((g) => g.name), HEADER_CERTIFIED];
}

/** The template, with the figures already entered (blank where none). BOM, CRLF, ',' between cells. */
export function populationTemplate(
  lists: PopulationLists,
  population: readonly PopulationCount[],
  certified: readonly CertifiedCount[],
): string {
  const people = new Map(population.map((p) => [`${p.hamletId}\u0000${p.groupId}`, p.people]));
  const certifiedBy = new Map(certified.map((c) => [c.hamletId, c.certified]));
  const rows = lists.hamlets.map((h) => [
    h.id,
    h.name,
    ...lists.groups.map((g) => people.get(`${h.id}\u0000${g.id}`) ?? ''),
    certifiedBy.get(h.id) ?? '',
  ]);
  return csvDocument(templateHeader(lists), rows);
}

type Column =
  | { readonly kind: 'id' }
  | { readonly kind: 'name' }
  | { readonly kind: 'group'; readonly group: NamedItem }
  | { readonly kind: 'certified' };

/** Maps each header cell to what it holds; a group column may be headed by its name or its id. */
function readHeader(cells: readonly string[], lists: PopulationLists): { columns: Column[] } | { errors: string[] } {
  const byText = new Map<string, Column>([
    [fold(HEADER_HAMLET_ID), { kind: 'id' }],
    [fold(HEADER_HAMLET_NAME), { kind: 'name' }],
    [fold(HEADER_CERTIFIED), { kind: 'certified' }],
  ]);
  for (const g of lists.groups) {
    byText.set(fold(g.name), { kind: 'group', group: g });
    byText.set(fold(g.id), { kind: 'group', group: g });
  }
  const errors: string[] = [];
  const columns: Column[] = [];
  const seen = new Set<string>();
  cells.forEach((cell, index) => {
    const column = byText.get(fold(cell));
    if (!column) {
      errors.push(
        cell.trim() === ''
          ? `dòng 1 (tiêu đề): cột thứ ${index + 1} không có tên`
          : `dòng 1 (tiêu đề): cột "${cell.trim()}" không có trong mẫu`,
      );
      return;
    }
    const key = column.kind === 'group' ? `group:${column.group.id}` : column.kind;
    if (seen.has(key)) errors.push(`dòng 1 (tiêu đề): cột "${cell.trim()}" có hai lần`);
    seen.add(key);
    columns.push(column);
  });
  if (!seen.has('id') && !seen.has('name')) errors.push(`dòng 1 (tiêu đề): thiếu cột "${HEADER_HAMLET_ID}"`);
  if (![...seen].some((k) => k.startsWith('group:') || k === 'certified')) {
    errors.push('dòng 1 (tiêu đề): không có cột số liệu nào (các nhóm đối tượng hoặc số người đã xác nhận trên VNeID)');
  }
  if (errors.length > 0) {
    errors.push(
      `Các cột của mẫu: ${templateHeader(lists)
        .map((h) => `"${h}"`)
        .join(', ')}. Anh/chị tải mẫu mới về rồi điền lại.`,
    );
    return { errors };
  }
  return { columns };
}

/** Decodes the upload: UTF-8 only (with or without BOM), so Vietnamese is never guessed from a code page. */
export function decodeCsv(bytes: Uint8Array): { ok: true; text: string } | { ok: false; error: string } {
  if (bytes.byteLength === 0) return { ok: false, error: 'tệp trống' };
  if (bytes.byteLength > POPULATION_CSV_MAX_BYTES) {
    return {
      ok: false,
      error: `tệp nặng ${Math.ceil(bytes.byteLength / 1024)} KB, quá mức ${POPULATION_CSV_MAX_BYTES / 1024} KB cho phép`,
    };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '') };
  } catch {
    return {
      ok: false,
      error:
        'tệp không phải chữ mã UTF-8. Trong Excel chọn "Lưu thành" → "CSV UTF-8 (Comma delimited)" rồi tải lên lại',
    };
  }
}

/**
 * Reads a population file against the hamlets and groups in force. Every
 * problem is listed (line by line); on any problem nothing may be saved.
 */
export function parsePopulationCsv(bytes: Uint8Array, lists: PopulationLists): PopulationParse {
  const decoded = decodeCsv(bytes);
  if (!decoded.ok) return { ok: false, errors: [decoded.error] };
  const read = readCsv(decoded.text, guessDelimiter(decoded.text));
  if (!read.ok) return { ok: false, errors: [read.error] };
  const [header, ...body] = read.records;
  if (!header) return { ok: false, errors: ['tệp trống'] };
  const head = readHeader(header.cells, lists);
  if ('errors' in head) return { ok: false, errors: head.errors };
  const { columns } = head;

  const hamletById = new Map(lists.hamlets.map((h) => [h.id, h]));
  const hamletByName = new Map(lists.hamlets.map((h) => [fold(h.name), h]));
  const firstLine = new Map<string, number>();
  const errors: string[] = [];
  const rows: HamletFigures[] = [];

  for (const record of body) {
    if (record.cells.every((c) => c.trim() === '')) continue;
    const at = `dòng ${record.line}`;
    if (record.cells.length > columns.length) {
      errors.push(`${at}: có ${record.cells.length} ô, nhiều hơn ${columns.length} cột của tiêu đề`);
      continue;
    }
    const cell = (kind: Column['kind']): string => {
      const index = columns.findIndex((c) => c.kind === kind);
      return index < 0 ? '' : (record.cells[index] ?? '').normalize('NFC').trim();
    };
    const id = cell('id');
    const name = cell('name');
    const hamlet = id !== '' ? hamletById.get(id) : hamletByName.get(fold(name));
    if (!hamlet) {
      errors.push(
        id !== ''
          ? `${at}: không có xóm/khối mã "${id}" trong danh sách xóm/khối của xã`
          : name !== ''
            ? `${at}: không có xóm/khối tên "${name}" trong danh sách xóm/khối của xã`
            : `${at}: thiếu mã xóm/khối`,
      );
      continue;
    }
    const earlier = firstLine.get(hamlet.id);
    if (earlier !== undefined) {
      errors.push(`${at}: xóm/khối "${hamlet.name}" (mã ${hamlet.id}) đã có ở dòng ${earlier}`);
      continue;
    }
    firstLine.set(hamlet.id, record.line);

    const people: Record<string, number | null> = {};
    let certified: number | null | undefined;
    let rowOk = true;
    columns.forEach((column, index) => {
      if (column.kind !== 'group' && column.kind !== 'certified') return;
      const count = parseCount(record.cells[index] ?? '');
      const label = column.kind === 'group' ? column.group.name : HEADER_CERTIFIED;
      if (!count.ok) {
        errors.push(`${at}, cột "${label}": ${count.reason}`);
        rowOk = false;
        return;
      }
      if (column.kind === 'group') people[column.group.id] = count.value;
      else certified = count.value;
    });
    if (!rowOk) continue;
    rows.push(certified === undefined ? { hamletId: hamlet.id, people } : { hamletId: hamlet.id, people, certified });
  }
  if (errors.length > 0) return { ok: false, errors };
  if (rows.length === 0) return { ok: false, errors: ['tệp không có dòng số liệu nào dưới dòng tiêu đề'] };
  return { ok: true, rows };
}

/** The cells an import sets: every figure column the file has, for every hamlet row it has. */
export function editOf(rows: readonly HamletFigures[]): PopulationEdit {
  return {
    population: rows.flatMap((r) =>
      Object.entries(r.people).map(([groupId, people]) => ({ hamletId: r.hamletId, groupId, people })),
    ),
    certified: rows.flatMap((r) =>
      r.certified === undefined ? [] : [{ hamletId: r.hamletId, certified: r.certified }],
    ),
  };
}

const number = (n: number): string => n.toLocaleString('vi-VN');

/** One Vietnamese line per hamlet saying what was imported, in the order of the hamlet list. */
export function importSummary(rows: readonly HamletFigures[], lists: PopulationLists): string[] {
  const byId = new Map(rows.map((r) => [r.hamletId, r]));
  return lists.hamlets.flatMap((h) => {
    const r = byId.get(h.id);
    if (!r) return [];
    const figures = Object.values(r.people).filter((v): v is number => v !== null);
    const cleared = Object.values(r.people).length - figures.length;
    const parts = [
      figures.length > 0
        ? `${number(figures.reduce((a, b) => a + b, 0))} người trong ${figures.length} nhóm đối tượng`
        : 'chưa có số người theo nhóm',
      ...(cleared > 0 && figures.length > 0 ? [`${cleared} nhóm để trống`] : []),
      ...(r.certified === undefined
        ? []
        : [
            r.certified === null
              ? 'chưa có số người đã xác nhận trên VNeID'
              : `${number(r.certified)} người đã xác nhận trên VNeID`,
          ]),
    ];
    return [`${h.name} (${h.id}): ${parts.join('; ')}`];
  });
}
