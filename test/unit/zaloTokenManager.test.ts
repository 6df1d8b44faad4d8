/**
 * The Zalo token manager keeps the access token it read (or refreshed) in
 * memory while it has more than the call margin left (issue 20: reading it
 * from PostgreSQL cost a transaction per reply), and reads the store again
 * when Zalo rejects the kept one or it nears its expiry.
 */
import { describe, expect, it } from 'vitest';
import { TokenManager } from '../../src/channels/zalo/tokens.js';
import type { ZaloStateStore } from '../../src/channels/zalo/store.js';
import type { TokenState } from '../../src/core/stores/zalo.js';
import { fixedClock, memoryLogger } from '../helpers.js';

const T0 = '2026-12-01T08:00:00.000Z';
const inMinutes = (m: number): Date => new Date(new Date(T0).getTime() + m * 60_000);

/** A store holding one token state, counting its reads. */
function fakeStore(state: TokenState): { store: ZaloStateStore; reads: () => number; set(s: TokenState): void } {
  let current = state;
  let reads = 0;
  const store = {
    tokens: () => {
      reads++;
      return current;
    },
  } as unknown as ZaloStateStore;
  return { store, reads: () => reads, set: (s) => (current = s) };
}

function manager(store: ZaloStateStore, clock = fixedClock(T0)): TokenManager {
  return new TokenManager({
    store,
    refresh: () => Promise.reject(new Error('no refresh in this test')),
    clock,
    logger: memoryLogger().logger,
  });
}

describe('the Zalo token manager', () => {
  it('reads the access token once while it is valid', async () => {
    const s = fakeStore({ accessToken: 'a-1', refreshToken: 'r-1', expiresAt: inMinutes(60) });
    const tokens = manager(s.store);
    expect(await tokens.accessToken()).toBe('a-1');
    expect(await tokens.accessToken()).toBe('a-1');
    expect(await tokens.accessToken()).toBe('a-1');
    expect(s.reads()).toBe(1);
  });

  it('reads the store again once the kept token nears its expiry', async () => {
    const clock = fixedClock(T0);
    const s = fakeStore({ accessToken: 'a-1', refreshToken: 'r-1', expiresAt: inMinutes(10) });
    const tokens = manager(s.store, clock);
    expect(await tokens.accessToken()).toBe('a-1');
    // Another process refreshed meanwhile; this one sees it when its own token is within the margin.
    s.set({ accessToken: 'a-2', refreshToken: 'r-2', expiresAt: inMinutes(120) });
    clock.set(inMinutes(9.5).toISOString());
    expect(await tokens.accessToken()).toBe('a-2');
    expect(s.reads()).toBe(2);
  });

  it('drops a kept token Zalo rejected and takes the one stored since', async () => {
    const s = fakeStore({ accessToken: 'a-1', refreshToken: 'r-1', expiresAt: inMinutes(60) });
    const tokens = manager(s.store);
    expect(await tokens.accessToken()).toBe('a-1');
    s.set({ accessToken: 'a-2', refreshToken: 'r-2', expiresAt: inMinutes(120) });
    expect(await tokens.renew('a-1')).toBe('a-2');
    expect(await tokens.accessToken()).toBe('a-2');
    expect(s.reads()).toBe(2);
  });
});
