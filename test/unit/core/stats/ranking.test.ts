import { describe, expect, it } from 'vitest';
import { rankHamlets } from '../../../../src/core/stats/ranking.js';
import { communeYearOf } from '../../../../src/core/communeTime.js';
import { localBounds } from '../../../../src/core/stats/bounds.js';
import { commonTarget } from '../../../../src/core/stats/sources.js';

const HAMLETS = [
  { id: 'xom-1', name: 'Xóm 1' },
  { id: 'xom-2', name: 'Xóm 2' },
  { id: 'xom-3', name: 'Xóm 3' },
  { id: 'xom-4', name: 'Xóm 4' },
  { id: 'xom-10', name: 'Xóm 10' },
];

const pop = (hamletId: string, people: number, groupId = 'nguoi-dan') => ({ hamletId, groupId, people });

describe('rankHamlets', () => {
  it('ranks by share of population, not by raw count', () => {
    const board = rankHamlets(
      HAMLETS.slice(0, 2),
      [
        { hamletId: 'xom-1', completed: 90 },
        { hamletId: 'xom-2', completed: 30 },
      ],
      [pop('xom-1', 900), pop('xom-2', 100)],
    );
    expect(board.rows.map((r) => [r.rank, r.hamletId, r.share])).toEqual([
      [1, 'xom-2', 0.3],
      [2, 'xom-1', 0.1],
    ]);
  });

  it('sums the population of every group of a hamlet', () => {
    const board = rankHamlets(
      HAMLETS.slice(0, 1),
      [{ hamletId: 'xom-1', completed: 50 }],
      [pop('xom-1', 60), pop('xom-1', 40, 'hoc-sinh-sinh-vien')],
    );
    expect(board.rows[0]).toMatchObject({ population: 100, share: 0.5, rank: 1 });
  });

  it('gives equal shares the same rank and skips the next (1, 1, 3), names in Vietnamese order', () => {
    const board = rankHamlets(
      HAMLETS,
      [
        { hamletId: 'xom-1', completed: 1 },
        { hamletId: 'xom-2', completed: 2 },
        { hamletId: 'xom-3', completed: 1 },
        { hamletId: 'xom-10', completed: 3 },
      ],
      [pop('xom-1', 3), pop('xom-2', 6), pop('xom-3', 10), pop('xom-10', 9)],
    );
    const ranked = board.rows.filter((r) => r.rank !== null);
    // 1/3 = 2/6 = 3/9 exactly: three tied at rank 1, numeric name order (Xóm 2 before Xóm 10).
    expect(ranked.map((r) => [r.rank, r.hamletName])).toEqual([
      [1, 'Xóm 1'],
      [1, 'Xóm 2'],
      [1, 'Xóm 10'],
      [4, 'Xóm 3'],
    ]);
  });

  it('lists hamlets without population after the ranked ones, unranked, by count', () => {
    const board = rankHamlets(
      HAMLETS.slice(0, 4),
      [
        { hamletId: 'xom-1', completed: 5 },
        { hamletId: 'xom-3', completed: 9 },
        { hamletId: 'xom-4', completed: 2 },
      ],
      [pop('xom-1', 50), pop('xom-4', 0)],
    );
    expect(board.rows.map((r) => [r.rank, r.hamletId, r.completed, r.population, r.share])).toEqual([
      [1, 'xom-1', 5, 50, 0.1],
      [null, 'xom-3', 9, null, null],
      // A population of zero cannot give a share either.
      [null, 'xom-4', 2, 0, null],
      [null, 'xom-2', 0, null, null],
    ]);
  });

  it('keeps completions without a hamlet apart, and hamlets missing from the list under their id', () => {
    const board = rankHamlets(
      [],
      [
        { hamletId: null, completed: 7 },
        { hamletId: 'xom-cu', completed: 4 },
      ],
      [],
    );
    expect(board.unknownHamlet).toBe(7);
    expect(board.rows).toEqual([
      { rank: null, hamletId: 'xom-cu', hamletName: 'xom-cu', completed: 4, population: null, share: null },
    ]);
  });

  it('returns nothing ranked for an empty commune', () => {
    expect(rankHamlets([], [], [])).toEqual({ rows: [], unknownHamlet: 0 });
  });
});

describe('localBounds', () => {
  it('starts the day at midnight in Vietnam (UTC+7) and the week on Monday', () => {
    // Sunday 6 December 2026, 01:30 in Hà Nội = Saturday 18:30 UTC.
    expect(localBounds(new Date('2026-12-05T18:30:00Z'))).toEqual({
      dayStart: '2026-12-05T17:00:00.000Z',
      weekStart: '2026-11-29T17:00:00.000Z',
    });
    // Monday 7 December 2026, 10:00 in Hà Nội: the week starts that same midnight.
    expect(localBounds(new Date('2026-12-07T03:00:00Z'))).toEqual({
      dayStart: '2026-12-06T17:00:00.000Z',
      weekStart: '2026-12-06T17:00:00.000Z',
    });
  });

  it('takes the year from Vietnamese wall time', () => {
    expect(communeYearOf(new Date('2025-12-31T17:30:00Z'))).toBe(2026);
    expect(communeYearOf(new Date('2025-12-31T16:30:00Z'))).toBe(2025);
  });
});

describe('commonTarget', () => {
  const targets = [
    { year: 2025, groups: { a: 80, b: 80 } },
    { year: 2026, groups: { a: 100, b: 90 } },
  ];
  it('is the figure every group shares that year', () => {
    expect(commonTarget(targets, 2025)).toEqual({ share: 0.8, strict: false });
  });
  it('is null when the groups differ or the year has no targets', () => {
    expect(commonTarget(targets, 2026)).toBeNull();
    expect(commonTarget(targets, 2027)).toBeNull();
  });
});
