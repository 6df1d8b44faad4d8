import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../src/core/lruCache.js';

describe('LruCache', () => {
  it('never holds more than maxEntries after many more distinct keys', () => {
    const cache = new LruCache<string, number>({ maxEntries: 100 });
    for (let i = 0; i < 10_100; i++) {
      cache.set(`k${i}`, i);
      expect(cache.size).toBeLessThanOrEqual(100);
    }
    expect(cache.size).toBe(100);
    expect(cache.get('k10099')).toBe(10_099);
    expect(cache.get('k10000')).toBe(10_000);
    expect(cache.get('k9999')).toBeUndefined();
    expect(cache.get('k0')).toBeUndefined();
  });

  it('never holds more than maxWeight, dropping the least recently used first', () => {
    const cache = new LruCache<string, string>({ maxEntries: 1000, maxWeight: 100 }, (v) => v.length);
    cache.set('a', 'x'.repeat(40));
    cache.set('b', 'x'.repeat(40));
    expect(cache.get('a')).toHaveLength(40); // a is now the most recently used
    cache.set('c', 'x'.repeat(40));
    expect(cache.weight).toBe(80);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    for (let i = 0; i < 500; i++) {
      cache.set(`k${i}`, 'y'.repeat(1 + (i % 30)));
      expect(cache.weight).toBeLessThanOrEqual(100);
    }
  });

  it('does not keep a value heavier than the whole budget, nor let it evict the others', () => {
    const cache = new LruCache<string, string>({ maxEntries: 10, maxWeight: 10 }, (v) => v.length);
    cache.set('small', 'abc');
    cache.set('huge', 'x'.repeat(11));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('small')).toBe('abc');
    expect(cache.weight).toBe(3);
  });

  it('replacing a key counts its weight once, and clear empties it', () => {
    const cache = new LruCache<string, string>({ maxEntries: 10, maxWeight: 100 }, (v) => v.length);
    cache.set('a', 'abcd');
    cache.set('a', 'ab');
    expect(cache.size).toBe(1);
    expect(cache.weight).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.weight).toBe(0);
  });
});
