/**
 * The population file: what Excel writes (BOM, ';' or ','), the template it
 * starts from, and every wrong row named by its line, in Vietnamese.
 */
import { describe, expect, it } from 'vitest';
import {
  editOf,
  HEADER_CERTIFIED,
  importSummary,
  parsePopulationCsv,
  populationTemplate,
  POPULATION_CSV_MAX_BYTES,
  type PopulationLists,
} from '../../../src/content/populationCsv.js';
import { readCsv } from '../../../src/content/csvRead.js';

const LISTS: PopulationLists = {
  hamlets: [
    { id: 'xom-1', name: 'Xóm 1' },
    { id: 'xom-2', name: 'Xóm 2' },
  ],
  groups: [
    { id: 'nguoi-dan', name: 'Người dân trong độ tuổi trưởng thành' },
    { id: 'hoc-sinh-sinh-vien', name: 'Học sinh, sinh viên' },
  ],
};

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

const SEMICOLON = [
  'Mã xóm/khối;Tên xóm/khối;Người dân trong độ tuổi trưởng thành;Học sinh, sinh viên;Người đã được xác nhận trên VNeID',
  'xom-1;Xóm 1;1200;300;450',
  'xom-2;Xóm 2;800;;',
].join('\r\n');

describe('parsePopulationCsv', () => {
  it('reads a file saved by Excel with a BOM and ";"', () => {
    const r = parsePopulationCsv(bytes(`\uFEFF${SEMICOLON}\r\n`), LISTS);
    expect(r).toEqual({
      ok: true,
      rows: [
        { hamletId: 'xom-1', people: { 'nguoi-dan': 1200, 'hoc-sinh-sinh-vien': 300 }, certified: 450 },
        { hamletId: 'xom-2', people: { 'nguoi-dan': 800, 'hoc-sinh-sinh-vien': null }, certified: null },
      ],
    });
  });

  it('reads "," with quoted headers, without a BOM, LF line ends, group ids as headers, no VNeID column', () => {
    const text = 'Mã xóm/khối,"Người dân trong độ tuổi trưởng thành",hoc-sinh-sinh-vien\nxom-2,"800",12\n\n';
    expect(parsePopulationCsv(bytes(text), LISTS)).toEqual({
      ok: true,
      rows: [{ hamletId: 'xom-2', people: { 'nguoi-dan': 800, 'hoc-sinh-sinh-vien': 12 } }],
    });
  });

  it('reads the template it wrote, with the figures already entered', () => {
    const template = populationTemplate(
      LISTS,
      [{ hamletId: 'xom-1', groupId: 'nguoi-dan', people: 1200 }],
      [{ hamletId: 'xom-2', certified: 7 }],
    );
    expect(
      template.startsWith('\uFEFFMã xóm/khối,Tên xóm/khối,Người dân trong độ tuổi trưởng thành,"Học sinh, sinh viên",'),
    ).toBe(true);
    expect(template).toContain(HEADER_CERTIFIED);
    const r = parsePopulationCsv(bytes(template), LISTS);
    expect(r).toEqual({
      ok: true,
      rows: [
        { hamletId: 'xom-1', people: { 'nguoi-dan': 1200, 'hoc-sinh-sinh-vien': null }, certified: null },
        { hamletId: 'xom-2', people: { 'nguoi-dan': null, 'hoc-sinh-sinh-vien': null }, certified: 7 },
      ],
    });
  });

  it('finds the hamlet by its name when the id cell is empty', () => {
    const r = parsePopulationCsv(bytes('Mã xóm/khối;Tên xóm/khối;nguoi-dan\n;xóm 2;5\n'), LISTS);
    expect(r).toEqual({ ok: true, rows: [{ hamletId: 'xom-2', people: { 'nguoi-dan': 5 } }] });
  });

  it('names every wrong row by its line and keeps nothing', () => {
    const text = [
      'Mã xóm/khối;Tên xóm/khối;Người dân trong độ tuổi trưởng thành;Học sinh, sinh viên',
      'xom-1;Xóm 1;-5;12.5',
      'xom-9;Xóm 9;1;2',
      'xom-2;Xóm 2;1 200;abc',
      'xom-1;Xóm 1;1;2',
      'xom-2;Xóm 2;1;2;3',
      ';;1;2',
      'xom-2;Xóm 2;2000000;0',
    ].join('\n');
    const r = parsePopulationCsv(bytes(text), LISTS);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors).toEqual([
      'dòng 2, cột "Người dân trong độ tuổi trưởng thành": "-5" phải là số nguyên từ 0 trở lên, viết liền không dấu chấm, dấu phẩy, ví dụ 1250',
      'dòng 2, cột "Học sinh, sinh viên": "12.5" phải là số nguyên từ 0 trở lên, viết liền không dấu chấm, dấu phẩy, ví dụ 1250',
      'dòng 3: không có xóm/khối mã "xom-9" trong danh sách xóm/khối của xã',
      'dòng 4, cột "Người dân trong độ tuổi trưởng thành": "1 200" phải là số nguyên từ 0 trở lên, viết liền không dấu chấm, dấu phẩy, ví dụ 1250',
      'dòng 4, cột "Học sinh, sinh viên": "abc" phải là số nguyên từ 0 trở lên, viết liền không dấu chấm, dấu phẩy, ví dụ 1250',
      'dòng 5: xóm/khối "Xóm 1" (mã xom-1) đã có ở dòng 2',
      'dòng 6: có 5 ô, nhiều hơn 4 cột của tiêu đề',
      'dòng 7: thiếu mã xóm/khối',
      'dòng 8: xóm/khối "Xóm 2" (mã xom-2) đã có ở dòng 4',
    ]);
  });

  it('refuses a number above the cap, on its own line', () => {
    const r = parsePopulationCsv(bytes('Mã xóm/khối,nguoi-dan\nxom-1,2000000\n'), LISTS);
    expect(r).toEqual({
      ok: false,
      errors: ['dòng 2, cột "Người dân trong độ tuổi trưởng thành": "2000000" lớn hơn 1.000.000, chắc là gõ nhầm'],
    });
  });

  it('counts lines inside a quoted cell, so the line number is the editor line', () => {
    const r = parsePopulationCsv(bytes('Mã xóm/khối,Tên xóm/khối,nguoi-dan\nxom-1,"Xóm\n1",x\n'), LISTS);
    expect(r).toEqual({
      ok: false,
      errors: [
        'dòng 2, cột "Người dân trong độ tuổi trưởng thành": "x" phải là số nguyên từ 0 trở lên, viết liền không dấu chấm, dấu phẩy, ví dụ 1250',
      ],
    });
  });

  it.each([
    ['an unknown column', 'Mã xóm/khối;Công nhân\nxom-1;5\n', 'dòng 1 (tiêu đề): cột "Công nhân" không có trong mẫu'],
    ['no hamlet column', 'Xóm;nguoi-dan\nxom-1;5\n', 'dòng 1 (tiêu đề): cột "Xóm" không có trong mẫu'],
    ['a column twice', 'Mã xóm/khối;nguoi-dan;nguoi-dan\n', 'dòng 1 (tiêu đề): cột "nguoi-dan" có hai lần'],
    ['no figure column', 'Mã xóm/khối;Tên xóm/khối\nxom-1;Xóm 1\n', 'dòng 1 (tiêu đề): không có cột số liệu nào'],
  ])('refuses a wrong header: %s', (_case, text, first) => {
    const r = parsePopulationCsv(bytes(text), LISTS);
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors[0]).toContain(first);
    expect(errors[errors.length - 1]).toMatch(/^Các cột của mẫu: "Mã xóm\/khối", "Tên xóm\/khối", .*tải mẫu mới/);
  });

  it.each([
    ['an empty file', new Uint8Array(), 'tệp trống'],
    ['Windows-1258 bytes', Uint8Array.from([0x4d, 0xe3, 0x20, 0x78, 0xf3, 0x6d]), 'tệp không phải chữ mã UTF-8'],
    ['a file over the size limit', new Uint8Array(POPULATION_CSV_MAX_BYTES + 1).fill(0x41), 'quá mức 256 KB'],
    ['an unclosed quote', bytes('Mã xóm/khối,nguoi-dan\nxom-1,"5\n'), 'dòng 2: có dấu ngoặc kép'],
    ['only a header', bytes('Mã xóm/khối,nguoi-dan\r\n'), 'không có dòng số liệu nào'],
  ])('refuses %s in one Vietnamese sentence', (_case, content, message) => {
    const r = parsePopulationCsv(content, LISTS);
    expect(r.ok ? [] : r.errors).toEqual([expect.stringContaining(message)]);
  });
});

describe('editOf and importSummary', () => {
  it('sets each figure the file has and says per hamlet what was imported', () => {
    const r = parsePopulationCsv(bytes(SEMICOLON), LISTS);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(editOf(r.rows)).toEqual({
      population: [
        { hamletId: 'xom-1', groupId: 'nguoi-dan', people: 1200 },
        { hamletId: 'xom-1', groupId: 'hoc-sinh-sinh-vien', people: 300 },
        { hamletId: 'xom-2', groupId: 'nguoi-dan', people: 800 },
        { hamletId: 'xom-2', groupId: 'hoc-sinh-sinh-vien', people: null },
      ],
      certified: [
        { hamletId: 'xom-1', certified: 450 },
        { hamletId: 'xom-2', certified: null },
      ],
    });
    expect(importSummary(r.rows, LISTS)).toEqual([
      'Xóm 1 (xom-1): 1.500 người trong 2 nhóm đối tượng; 450 người đã xác nhận trên VNeID',
      'Xóm 2 (xom-2): 800 người trong 1 nhóm đối tượng; 1 nhóm để trống; chưa có số người đã xác nhận trên VNeID',
    ]);
  });
});

describe('readCsv', () => {
  it('keeps "" inside quotes and the delimiter inside quotes', () => {
    expect(readCsv('a,"b ""c"", d"\r\n', ',')).toEqual({ ok: true, records: [{ line: 1, cells: ['a', 'b "c", d'] }] });
  });
});
