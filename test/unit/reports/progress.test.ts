/**
 * The pure parts of the progress report: targets as the plan words them
 * ("trên 60%" is strict), shares never made up, the query's validation, and
 * the CSV cells (separator-aware quoting, formula guard, locale percentages).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_COMMUNE } from '../../../src/content/loadCommune.js';
import { csvCell, csvRow } from '../../../src/reports/csv.js';
import { clampPlanYear } from '../../../src/reports/planIndicators.js';
import { buildProgressReport, cell } from '../../../src/reports/progress.js';
import { formatShare, progressCsv } from '../../../src/reports/progressCsv.js';
import { communeDayOf } from '../../../src/core/communeTime.js';
import { currentPlanYear, parseReportQuery } from '../../../src/staff/reportQuery.js';

const EMPTY_COUNTS = { cohorts: [], quizPasses: [], weekly: [], attempts: [], misses: [] };

describe('targets and shares', () => {
  it('"trên 60%" needs more than 60%; "80%" is reached at exactly 80%', () => {
    expect(cell(3, 5, { share: 0.6, strict: true }).met).toBe(false);
    expect(cell(31, 50, { share: 0.6, strict: true }).met).toBe(true);
    expect(cell(3, 5, { share: 0.6, strict: false }).met).toBe(true);
    expect(cell(4, 5, { share: 0.8, strict: false }).met).toBe(true);
    expect(cell(79, 100, { share: 0.8, strict: false }).met).toBe(false);
  });

  it('an unknown or zero population gives no share and no verdict', () => {
    expect(cell(3, null, { share: 0.8, strict: false })).toMatchObject({ share: null, met: null });
    expect(cell(0, 0, { share: 0.8, strict: false })).toMatchObject({ share: null, met: null });
    expect(cell(2, 4, null)).toMatchObject({ share: 0.5, met: null });
  });

  it('years outside the plan are measured against the nearest plan year', () => {
    expect(clampPlanYear(2024)).toBe(2025);
    expect(clampPlanYear(2027)).toBe(2026);
    expect(currentPlanYear(new Date('2025-12-31T16:59:59Z'))).toBe(2025);
    expect(currentPlanYear(new Date('2025-12-31T17:00:00Z'))).toBe(2026);
    expect(communeDayOf(new Date('2026-12-06T17:00:00Z'))).toBe('2026-12-07');
  });

  it('a commune with nothing entered says what is missing, in Vietnamese', () => {
    const report = buildProgressReport({
      commune: DEFAULT_COMMUNE,
      quizzes: [],
      query: { year: 2026 },
      counts: EMPTY_COUNTS,
      population: [],
      certified: [],
      generatedAt: '2026-12-06T08:00:00.000Z',
      missWindow: 2000,
    });
    expect(report.indicators.map((i) => [i.letter, i.target])).toEqual([
      ['a', { share: 1, strict: false }],
      ['b', { share: 1, strict: false }],
      ['c', { share: 1, strict: false }],
      ['d', { share: 0.6, strict: true }],
      ['đ', { share: 1, strict: false }],
    ]);
    expect(report.notes.join('\n')).toMatch(/Danh sách xóm\/khối .* còn trống/);
    expect(report.notes.join('\n')).toContain('Chưa nhập dân số');
    expect(report.notes.join('\n')).toContain('chỉ tiêu d (mục III.2.d)');
  });
});

describe('query validation', () => {
  const now = new Date('2026-12-06T08:00:00Z');
  it('defaults the year by the clock and the separator to ";"', () => {
    expect(parseReportQuery({}, now)).toEqual({ ok: true, query: { year: 2026 }, separator: ';' });
    expect(parseReportQuery({ year: '2025', sep: 'comma', hamlet: 'xom-1', from: '2026-01-01' }, now)).toEqual({
      ok: true,
      query: { year: 2025, hamletId: 'xom-1', from: '2026-01-01' },
      separator: ',',
    });
  });

  it.each([
    [{ year: '2027' }, 'year'],
    [{ group: 'Nguoi dan' }, 'group'],
    [{ to: '2026-02-29' }, 'to'],
    [{ from: '2026-12-02', to: '2026-12-01' }, 'from'],
  ])('refuses %o naming "%s"', (raw, field) => {
    const result = parseReportQuery(raw, now);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain(`"${field}"`);
  });
});

describe('CSV cells', () => {
  it("quotes the file's own separator and defuses formulas", () => {
    expect(csvRow(['a;b', 'c,d'], ';')).toBe('"a;b";c,d');
    expect(csvRow(['a;b', 'c,d'], ',')).toBe('a;b,"c,d"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('+84')).toBe("'+84");
    expect(formatShare(0.4, ';')).toBe('40,0%');
    expect(formatShare(0.4, ',')).toBe('40.0%');
  });

  it('streams the file in chunks, BOM first', () => {
    const report = buildProgressReport({
      commune: { ...DEFAULT_COMMUNE, hamlets: [{ id: 'xom-1', name: '-Xóm 1' }] },
      quizzes: [],
      query: { year: 2025 },
      counts: { ...EMPTY_COUNTS, cohorts: [{ hamletId: 'xom-1', groupId: 'nguoi-dan', completed: 4 }] },
      population: [{ hamletId: 'xom-1', groupId: 'nguoi-dan', people: 5 }],
      certified: [{ hamletId: 'xom-1', certified: 2 }],
      generatedAt: '2026-12-06T08:00:00.000Z',
      missWindow: 2000,
    });
    const chunks = [...progressCsv(report)];
    expect(chunks.length).toBeGreaterThan(1);
    const text = chunks.join('');
    expect(text.startsWith('\uFEFFBáo cáo tiến độ')).toBe(true);
    expect(text).toContain("\r\n'-Xóm 1;Người dân trong độ tuổi trưởng thành;4;5;80,0%;80%;Đạt;xom-1;nguoi-dan\r\n");
    expect(text).toContain('\r\nd;');
    expect(text).toContain(';2;5;40,0%;40%;Đạt\r\n');
  });
});
