import { describe, expect, it } from 'vitest';
import { newPublicKey } from '../../../src/storage/channelRowForms.js';

describe('newPublicKey', () => {
  it('is 32 URL-safe characters that never start with "-" (staff type it as a command-line argument)', () => {
    // Without the rule, one key in 64 starts with "-": 2,000 keys would hold one with near certainty.
    const keys = Array.from({ length: 2000 }, () => newPublicKey());
    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{31}$/);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
