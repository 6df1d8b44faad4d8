/**
 * Slots (storage/pg/slots.ts): no more holders than its size, waiters served
 * in arrival order, and a slot freed when its holder fails.
 */
import { describe, expect, it } from 'vitest';
import { Slots } from '../../../src/storage/pg/slots.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Slots', () => {
  it('lets `size` holders in at once, the next ones in arrival order', async () => {
    const slots = new Slots(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const entered: number[] = [];
    const runs = gates.map((g, i) =>
      slots.run(async () => {
        entered.push(i);
        await g.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(entered).toEqual([0, 1]);
    gates[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(entered).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(entered).toEqual([0, 1, 2, 3]);
  });

  it('frees the slot of a holder that throws', async () => {
    const slots = new Slots(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await slots.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('refuses a size that admits nobody', () => {
    expect(() => new Slots(0)).toThrow('positive integer');
  });
});
