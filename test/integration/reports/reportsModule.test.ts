/**
 * The staff reports module through Hono's in-process `app.request()`, over
 * the report repository of SQLite or PostgreSQL (progressFixture.ts): a tiny
 * app plays the console's front door and sets the principal (admin or a
 * hamlet team) from a test header. Checks the 400s with Vietnamese messages,
 * the hamlet scope (403), the CSV (BOM, separator, headers, formula guard)
 * and the XLSX read back with exceljs, and the audit entries.
 */
import ExcelJS from 'exceljs';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommuneConfig } from '../../../src/content/loadCommune.js';
import type { ProgressReport } from '../../../src/reports/progressTypes.js';
import { createReportsModule } from '../../../src/staff/reportsModule.js';
import type { AuditEntry, StaffEnv, StaffPrincipal } from '../../../src/staff/types.js';
import { buildServiceFixture, communeWithHamlets, FakePopulation, type ServiceFixture } from './progressFixture.js';

const ADMIN: StaffPrincipal = { id: 'staff-1', name: 'Cán bộ xã', role: 'admin' };
const HAMLET: StaffPrincipal = { id: 'staff-2', name: 'Tổ xóm 1', role: 'hamlet', hamletId: 'xom-1' };

let fx: ServiceFixture;
let app: Hono<StaffEnv>;
const audit: AuditEntry[] = [];

beforeAll(async () => {
  fx = await buildServiceFixture();
  const commune: CommuneConfig = {
    ...communeWithHamlets(fx.service.commune),
    // A name Excel would run as a formula, to check the guard.
    hamlets: [
      { id: 'xom-1', name: '=Xóm 1' },
      { id: 'xom-2', name: 'Xóm 2' },
    ],
  };
  fx.clock.set('2026-12-06T18:00:00.000Z'); // already 7/12 in Viet Nam
  app = new Hono<StaffEnv>();
  app.use('*', async (c, next) => {
    c.set('staff', c.req.header('x-test-role') === 'hamlet' ? HAMLET : ADMIN);
    c.set('csrfToken', 'test');
    await next();
  });
  createReportsModule({
    reports: fx.service.reports,
    population: new FakePopulation([{ hamletId: 'xom-1', groupId: 'nguoi-dan', people: 5 }]),
    commune: () => commune,
    quizzes: () => fx.service.quizzes.list(),
    clock: fx.clock,
    audit: {
      record: (e) => {
        audit.push(e);
      },
    },
  })(app);
}, 120_000);

afterAll(async () => {
  await fx?.service.close();
});

const get = (path: string, role: 'admin' | 'hamlet' = 'admin') =>
  app.request(`http://localhost${path}`, { headers: { 'x-test-role': role } });

describe('GET /api/report', () => {
  it('answers JSON for the current plan year by the injected clock', async () => {
    const res = await get('/api/report');
    expect(res.status).toBe(200);
    const body = (await res.json()) as ProgressReport;
    expect(body.query.year).toBe(2026);
    expect(body.total.completed).toBe(3);
    expect(body.indicators.map((i) => i.letter)).toEqual(['a', 'b', 'c', 'd', 'đ']);
    expect(JSON.stringify(body)).not.toMatch(/"(an|binh|chi|dung)"/);
  });

  it.each([
    ['?year=2024', 'year'],
    ['?year=abc', 'year'],
    ['?from=2026-02-30', 'from'],
    ['?to=06/12/2026', 'to'],
    ['?from=2026-12-07&to=2026-12-01', 'from'],
    ['?hamlet=X%C3%B3m%201', 'hamlet'],
    ['?sep=tab', 'sep'],
    ['?bogus=1', 'bogus'],
  ])('refuses %s with 400 naming "%s" in Vietnamese', async (query, field) => {
    const res = await get(`/api/report${query}`);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: string };
    expect(error).toContain(`"${field}"`);
    expect(error).toMatch(/Tham số/);
  });

  it('a hamlet team sees its own hamlet only and gets 403 for another', async () => {
    const own = (await (await get('/api/report', 'hamlet')).json()) as ProgressReport;
    expect(own.query.hamletId).toBe('xom-1');
    expect(own.hamlets.map((h) => h.hamletId)).toEqual(['xom-1']);
    expect(own.total.completed).toBe(2);
    const other = await get('/api/report?hamlet=xom-2', 'hamlet');
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: string }).error).toContain('xóm/khối mình phụ trách');
    expect((await get('/api/report.csv?hamlet=xom-2', 'hamlet')).status).toBe(403);
    expect((await get('/api/report?hamlet=xom-1', 'hamlet')).status).toBe(200);
  });
});

describe('exports', () => {
  it('CSV: BOM, ";" by default, Vietnamese headers, defused formulas, a dated file name, audited', async () => {
    audit.length = 0;
    const res = await get('/api/report.csv?from=2026-12-01');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-tien-do-2026-12-07.csv"');
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const lines = text.slice(1).split('\r\n');
    expect(lines).toContain(
      'Mục;Chỉ tiêu theo Kế hoạch;Nhóm đối tượng;Số người hoàn thành;Dân số;Tỷ lệ;Mục tiêu;Đánh giá',
    );
    expect(lines.some((l) => l.startsWith('d;') && l.includes(';trên 60%;'))).toBe(true);
    expect(
      lines.some((l) => l.startsWith("'=Xóm 1;Người dân trong độ tuổi trưởng thành;2;5;40,0%;100%;Chưa đạt")),
    ).toBe(true);
    expect(lines).toContain("'=Xóm 1;Tất cả các nhóm;2;;;;;xom-1;");
    expect(text).not.toMatch(/^=|;=/m);
    expect(audit).toEqual([
      {
        actorId: 'staff-1',
        action: 'report.export',
        target: 'csv',
        details: { year: 2026, from: '2026-12-01', separator: 'semicolon' },
      },
    ]);
  });

  it('CSV with sep=comma uses commas and a decimal point', async () => {
    const text = await (await get('/api/report.csv?sep=comma')).text();
    expect(text).toContain('Mục,Chỉ tiêu theo Kế hoạch,Nhóm đối tượng,Số người hoàn thành');
    expect(text).toContain(',40.0%,');
  });

  it('XLSX: one sheet per view, bold frozen header, letters a–đ, percentages as numbers', async () => {
    audit.length = 0;
    const res = await get('/api/report.xlsx', 'hamlet');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-tien-do-xom-1-2026-12-07.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'Chỉ tiêu',
      'Xóm-khối',
      'Nhóm đối tượng',
      'Theo tuần',
      'Bài kiểm tra',
      'Câu hay sai',
      'Ghi chú',
    ]);
    const indicators = workbook.getWorksheet('Chỉ tiêu');
    expect(indicators?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(indicators?.getRow(1).getCell(1).font?.bold).toBe(true);
    const letters = [2, 3, 4, 5, 6].map((r) => indicators?.getRow(r).getCell(1).value);
    expect(letters).toEqual(['a', 'b', 'c', 'd', 'đ']);
    const hamlets = workbook.getWorksheet('Xóm-khối');
    const row = hamlets?.getRow(2);
    expect(row?.getCell(1).value).toBe('=Xóm 1');
    expect(row?.getCell(1).formula).toBeUndefined();
    const adults = [2, 3, 4, 5, 6, 7].map((r) => hamlets?.getRow(r)).find((r) => r?.getCell(9).value === 'nguoi-dan');
    expect(adults?.getCell(5).value).toBe(0.4);
    expect(adults?.getCell(5).numFmt).toBe('0.0%');
    expect(audit).toEqual([
      { actorId: 'staff-2', action: 'report.export', target: 'xlsx', details: { year: 2026, hamletId: 'xom-1' } },
    ]);
  });
});
