import { describe, expect, it } from 'vitest';
import { communeClock, communeDayOf, communeYearOf } from '../../../src/core/communeTime.js';

describe('the commune clock (UTC+7, no daylight saving)', () => {
  it('shows the local date and time, the day turning at 17:00 UTC', () => {
    expect(communeClock(new Date('2026-12-06T16:59:00Z'))).toEqual({
      date: '06/12/2026',
      time: '23:59',
      day: '2026-12-06',
    });
    expect(communeClock(new Date('2026-12-06T17:00:00Z'))).toEqual({
      date: '07/12/2026',
      time: '00:00',
      day: '2026-12-07',
    });
  });

  it('agrees with the report calendar on the day and the year, at the turn of a year', () => {
    const at = new Date('2026-12-31T18:30:00Z');
    expect(communeClock(at).day).toBe(communeDayOf(at));
    expect(communeClock(at).date).toBe('01/01/2027');
    expect(communeYearOf(at)).toBe(2027);
  });

  it('keeps the same offset in June as in December (Viet Nam has no summer time)', () => {
    expect(communeClock(new Date('2026-06-15T01:05:00Z')).time).toBe('08:05');
    expect(communeClock(new Date('2026-01-15T01:05:00Z')).time).toBe('08:05');
  });
});
