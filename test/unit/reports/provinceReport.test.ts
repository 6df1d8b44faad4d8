/**
 * The province view's totals and order (reports/provinceReport.ts): counts
 * add up, a population adds up only when every commune entered it, the total
 * carries no target, and communes sort by name in Vietnamese order.
 */
import { describe, expect, it } from 'vitest';
import { cell } from '../../../src/reports/progress.js';
import type { IndicatorRow } from '../../../src/reports/progressTypes.js';
import { buildProvinceReport, type ProvinceCommuneInput } from '../../../src/reports/provinceReport.js';

const HEADERS = [
  { letter: 'b' as const, label: 'Học sinh' },
  { letter: 'c' as const, label: 'Người dân' },
];

function row(letter: 'b' | 'c', completed: number, population: number | null): IndicatorRow {
  return { letter, label: '', groupId: null, ...cell(completed, population, { share: 0.8, strict: false }) };
}

function commune(id: string, name: string, b: IndicatorRow, c: IndicatorRow, passes = 0): ProvinceCommuneInput {
  return { communeId: id, communeName: name, indicators: [b, c], passesThisWeek: passes };
}

const base = { year: 2026, generatedAt: '2026-12-09T05:00:00.000Z', weekStart: '2026-12-07', headers: HEADERS };

describe('buildProvinceReport', () => {
  it('sums counts always, populations only when every commune has one, and states no target in the total', () => {
    const report = buildProvinceReport({
      ...base,
      communes: [
        commune('x', 'Xã Đông', row('b', 3, 10), row('c', 4, null), 2),
        commune('y', 'Xã Bắc', row('b', 5, 10), row('c', 1, 20), 3),
      ],
    });
    expect(report.communes.map((c) => c.communeName)).toEqual(['Xã Bắc', 'Xã Đông']);
    expect(report.total.indicators).toEqual([cell(8, 20, null), cell(5, null, null)]);
    expect(report.total.indicators[0]?.share).toBe(0.4);
    expect(report.total.indicators[0]?.target).toBeNull();
    expect(report.total.passesThisWeek).toBe(5);
  });

  it('gives an empty province an empty table and an unknown population, never a share of 0', () => {
    const report = buildProvinceReport({ ...base, communes: [] });
    expect(report.communes).toEqual([]);
    expect(report.total.indicators).toEqual([cell(0, null, null), cell(0, null, null)]);
  });

  it("fills an indicator a commune's report lacks with an unknown cell, in the headers' order", () => {
    const report = buildProvinceReport({
      ...base,
      communes: [{ communeId: 'z', communeName: 'Xã Nam', indicators: [row('c', 2, 4)], passesThisWeek: 0 }],
    });
    expect(report.communes[0]?.indicators.map((i) => [i.letter, i.completed, i.population])).toEqual([
      ['b', 0, null],
      ['c', 2, 4],
    ]);
  });
});
