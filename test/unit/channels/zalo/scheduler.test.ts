/**
 * Background handling starts on a later event-loop turn than the webhook
 * answer, one task per turn, and can be waited for (shutdown, tests).
 */
import { describe, expect, it } from 'vitest';
import { TurnScheduler } from '../../../../src/channels/zalo/scheduler.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TurnScheduler', () => {
  it('never starts a task inside the caller, and starts one per event-loop turn', async () => {
    const started: number[] = [];
    const s = new TurnScheduler(() => undefined);
    for (const n of [1, 2, 3]) {
      s.push(() => {
        started.push(n);
        return Promise.resolve();
      });
    }
    expect(started).toEqual([]);
    expect(s.size).toBe(3);
    await turn();
    expect(started).toEqual([1]);
    await turn();
    expect(started).toEqual([1, 2]);
    await s.idle();
    expect(started).toEqual([1, 2, 3]);
    expect(s.size).toBe(0);
  });

  it('waits for tasks queued while it waits, and reports failures without stopping', async () => {
    const errors: unknown[] = [];
    const done: string[] = [];
    const s = new TurnScheduler((err) => errors.push(err));
    s.push(async () => {
      await new Promise((r) => setTimeout(r, 10));
      s.push(() => {
        done.push('queued later');
        return Promise.resolve();
      });
      throw new Error('boom');
    });
    s.push(() => {
      done.push('second');
      return Promise.resolve();
    });
    await s.idle();
    expect(done).toEqual(['second', 'queued later']);
    expect(errors).toHaveLength(1);
  });
});
