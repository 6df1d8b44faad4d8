import { describe, expect, it } from 'vitest';
import { compareCompletions, type CompletionRow } from '../../bench/lib/completions.js';

const row = (channel: string, userId: string, passes: number, finished = passes): CompletionRow => ({
  channel,
  userId,
  passes,
  finished,
});

describe('compareCompletions (bench:scale)', () => {
  it('matches Telegram and Zalo residents by their user id, web residents by count', () => {
    const r = compareCompletions(
      ['tg:1', 'zalo:2', 'web:3'],
      [row('telegram', '1', 1), row('zalo', '2', 1), row('web', 'session-x', 1)],
    );
    expect(r).toEqual({ exactlyOnce: 3, notRecorded: 0, recordedTwice: 0, webPassesRecorded: 1 });
  });

  it('counts a pass the database never recorded', () => {
    const r = compareCompletions(['tg:1', 'zalo:2', 'web:3'], [row('telegram', '1', 0, 1)]);
    expect(r).toMatchObject({ exactlyOnce: 0, notRecorded: 3 });
  });

  it('counts a citizen with two finished attempts (a redelivery taken twice)', () => {
    const r = compareCompletions(['tg:1'], [row('telegram', '1', 1, 2)]);
    expect(r).toMatchObject({ exactlyOnce: 0, notRecorded: 0, recordedTwice: 1 });
  });
});
