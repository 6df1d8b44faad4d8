import { describe, expect, it } from 'vitest';
import { communeDayOf, mondayOf } from '../../../../src/core/communeTime.js';
import { median, weeklyFigures } from '../../../../src/core/learning/weekly.js';

describe('weekly figures', () => {
  it('reads days in the commune calendar (UTC+7) and weeks from Monday', () => {
    expect(communeDayOf(new Date('2026-12-06T16:59:00Z'))).toBe('2026-12-06');
    expect(communeDayOf(new Date('2026-12-06T17:00:00Z'))).toBe('2026-12-07');
    expect(mondayOf('2026-12-06')).toBe('2026-11-30');
    expect(mondayOf('2026-12-07')).toBe('2026-12-07');
  });

  it('gives shares of unanswered and staff-answered questions and the median wait, per week', () => {
    const weeks = weeklyFigures(
      [
        { day: '2026-11-24', asked: 10, unanswered: 4, byConsole: 0 },
        { day: '2026-12-01', asked: 6, unanswered: 1, byConsole: 2 },
        { day: '2026-12-06', asked: 4, unanswered: 1, byConsole: 1 },
      ],
      [
        { firstAskedAt: '2026-11-24T01:00:00Z', decidedAt: '2026-12-01T01:00:00Z' },
        { firstAskedAt: '2026-11-30T01:00:00Z', decidedAt: '2026-12-02T01:00:00Z' },
        { firstAskedAt: '2026-12-01T01:00:00Z', decidedAt: '2026-12-04T13:00:00Z' },
      ],
      new Date('2026-12-06T10:00:00Z'),
      3,
    );
    expect(weeks.map((w) => w.weekStart)).toEqual(['2026-11-16', '2026-11-23', '2026-11-30']);
    expect(weeks[0]).toMatchObject({ asked: 0, shareUnanswered: null, groupsAnswered: 0, medianDaysToAnswer: null });
    expect(weeks[1]).toMatchObject({ asked: 10, shareUnanswered: 0.4, shareByConsole: 0 });
    expect(weeks[2]).toMatchObject({
      asked: 10,
      unanswered: 2,
      byConsole: 3,
      shareUnanswered: 0.2,
      shareByConsole: 0.3,
    });
    expect(weeks[2]).toMatchObject({ groupsAnswered: 3, medianDaysToAnswer: 3.5 });
  });

  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
