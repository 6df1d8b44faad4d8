import { describe, expect, it } from 'vitest';
import { ACCOUNT_POLICY, lockedUntil, minutesLeft, NETWORK_POLICY } from '../../../src/staff/throttle.js';

const now = new Date('2026-12-01T08:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const MIN = 60_000;

describe('login throttle', () => {
  it('does not lock below the limit within the window', () => {
    const four = [1, 2, 3, 4].map((i) => ago(i * MIN));
    expect(lockedUntil(four, now, ACCOUNT_POLICY)).toBeUndefined();
  });

  it('locks for a minute after the fifth failure in 15 minutes, counted from the last failure', () => {
    const five = [0, 1, 2, 3, 4].map((i) => ago(i * 1000));
    expect(lockedUntil(five, now, ACCOUNT_POLICY)).toEqual(new Date(now.getTime() + MIN));
  });

  it('doubles the lock with each further failure of the day, up to an hour', () => {
    const six = [0, 1, 2, 3, 4, 5].map((i) => ago(i * 1000));
    expect(lockedUntil(six, now, ACCOUNT_POLICY)).toEqual(new Date(now.getTime() + 2 * MIN));
    const many = Array.from({ length: 40 }, (_, i) => ago(i * 1000));
    expect(lockedUntil(many, now, ACCOUNT_POLICY)).toEqual(new Date(now.getTime() + 60 * MIN));
  });

  it('forgets failures older than the window for the threshold', () => {
    const old = [20, 21, 22, 23, 24].map((i) => ago(i * MIN));
    expect(lockedUntil(old, now, ACCOUNT_POLICY)).toBeUndefined();
  });

  it('unlocks when the lock has run out', () => {
    const five = [3, 3.1, 3.2, 3.3, 3.4].map((i) => ago(i * MIN));
    expect(lockedUntil(five, now, ACCOUNT_POLICY)).toBeUndefined();
  });

  it('allows a shared office address more failures than one name', () => {
    const ten = Array.from({ length: 10 }, (_, i) => ago(i * 1000));
    expect(lockedUntil(ten, now, NETWORK_POLICY)).toBeUndefined();
    expect(lockedUntil(ten, now, ACCOUNT_POLICY)).toBeDefined();
  });

  it('tells whole minutes, at least one', () => {
    expect(minutesLeft(new Date(now.getTime() + 1000), now)).toBe(1);
    expect(minutesLeft(new Date(now.getTime() + 61 * 1000), now)).toBe(2);
  });
});
