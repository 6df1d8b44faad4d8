/**
 * The key cache of the channel rows' webhooks (channels/keyed/cachedKeyring.ts):
 * a key's answer, found or not, is reused for the expiry and read again after
 * it (so an added or disabled row is seen within it), calls arriving together
 * make one read, a failed read is not remembered, and the memory stays bounded.
 */
import { describe, expect, it } from 'vitest';
import { cachedKeyring } from '../../../src/channels/keyed/cachedKeyring.js';
import type { ChannelKeyring, ChannelKind, KeyedChannel } from '../../../src/core/stores/channels.js';
import { fixedClock } from '../../helpers.js';

function channel(publicKey: string): KeyedChannel {
  return {
    row: { id: 1, communeId: 'xa-b', kind: 'telegram', publicKey, enabled: true, createdAt: new Date(0) },
    stamp: 's1',
    secrets: () => ({ kind: 'telegram', botToken: '1:x', webhookSecret: 'w' }),
  };
}

/** A keyring over a mutable set of rows, counting its reads. */
function table(): { keyring: ChannelKeyring; rows: Map<string, KeyedChannel>; reads: string[]; fail: Set<string> } {
  const rows = new Map<string, KeyedChannel>();
  const reads: string[] = [];
  const fail = new Set<string>();
  const keyring: ChannelKeyring = {
    find: (kind: ChannelKind, key: string) => {
      reads.push(key);
      if (fail.has(key)) return Promise.reject(new Error('database down'));
      const row = rows.get(key);
      return Promise.resolve(row?.row.kind === kind ? row : undefined);
    },
    enabled: () => [...rows.values()],
  };
  return { keyring, rows, reads, fail };
}

describe('cachedKeyring', () => {
  it('reuses an answer for the expiry, then reads again: a row added or disabled is seen after it', async () => {
    const clock = fixedClock('2026-12-07T08:00:00.000Z');
    const t = table();
    const keys = cachedKeyring(t.keyring, clock, { ttlMs: 5_000 });
    expect(await keys.find('telegram', 'k1')).toBeUndefined();
    t.rows.set('k1', channel('k1'));
    clock.set('2026-12-07T08:00:04.999Z');
    expect(await keys.find('telegram', 'k1')).toBeUndefined();
    expect(t.reads).toEqual(['k1']);
    clock.set('2026-12-07T08:00:05.000Z');
    expect((await keys.find('telegram', 'k1'))?.row.publicKey).toBe('k1');
    t.rows.delete('k1');
    expect((await keys.find('telegram', 'k1'))?.row.publicKey).toBe('k1');
    clock.set('2026-12-07T08:00:10.000Z');
    expect(await keys.find('telegram', 'k1')).toBeUndefined();
    expect(t.reads).toEqual(['k1', 'k1', 'k1']);
  });

  it('keeps kinds apart, shares one read among calls arriving together, and forgets a failed read', async () => {
    const clock = fixedClock('2026-12-07T08:00:00.000Z');
    const t = table();
    t.rows.set('k1', channel('k1'));
    const keys = cachedKeyring(t.keyring, clock);
    const [x, y] = await Promise.all([keys.find('telegram', 'k1'), keys.find('telegram', 'k1')]);
    expect(x).toBe(y);
    expect(await keys.find('zalo', 'k1')).toBeUndefined();
    expect(t.reads).toEqual(['k1', 'k1']);
    t.fail.add('k2');
    await expect(keys.find('telegram', 'k2')).rejects.toThrow('database down');
    t.fail.delete('k2');
    expect(await keys.find('telegram', 'k2')).toBeUndefined();
    expect(t.reads).toEqual(['k1', 'k1', 'k2', 'k2']);
  });

  it('starts afresh past its size, so random keys cannot grow it without bound', async () => {
    const clock = fixedClock('2026-12-07T08:00:00.000Z');
    const t = table();
    const keys = cachedKeyring(t.keyring, clock, { maxKeys: 3 });
    for (const k of ['a', 'b', 'c', 'd']) await keys.find('telegram', k);
    await keys.find('telegram', 'a');
    // 'a' was dropped when 'd' came in (the map was full), so it is read again.
    expect(t.reads).toEqual(['a', 'b', 'c', 'd', 'a']);
  });
});
