import { describe, expect, it } from 'vitest';
import { createStaffSigner, hashToken, isTokenShaped, randomToken, safeEqual } from '../../../src/staff/signing.js';

const KEY = 'k'.repeat(32);

describe('staff cookie signing and CSRF tokens', () => {
  it('opens a cookie it sealed, and nothing else', () => {
    const signer = createStaffSigner(KEY);
    const id = randomToken();
    const sealed = signer.seal(id);
    expect(signer.open(sealed)).toBe(id);
    expect(signer.open(undefined)).toBeUndefined();
    expect(signer.open(id)).toBeUndefined();
    const other = randomToken();
    expect(signer.open(`${other}.${sealed.split('.')[1] ?? ''}`)).toBeUndefined();
    const tag = sealed.split('.')[1] ?? '';
    const flipped = `${id}.${tag.slice(0, -1)}${tag.endsWith('A') ? 'B' : 'A'}`;
    expect(signer.open(flipped)).toBeUndefined();
    expect(createStaffSigner('z'.repeat(32)).open(sealed)).toBeUndefined();
  });

  it('gives each session its own CSRF token, different from its cookie tag and from form tokens', () => {
    const signer = createStaffSigner(KEY);
    const a = randomToken();
    const b = randomToken();
    expect(signer.csrfFor(a)).toBe(signer.csrfFor(a));
    expect(signer.csrfFor(a)).not.toBe(signer.csrfFor(b));
    expect(signer.csrfFor(a)).not.toBe(signer.seal(a).split('.')[1]);
    expect(signer.formTokenFor(a)).not.toBe(signer.csrfFor(a));
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => createStaffSigner('short')).toThrow(RangeError);
  });

  it('compares tokens exactly (length, case, content)', () => {
    const t = randomToken();
    expect(safeEqual(t, t)).toBe(true);
    expect(safeEqual(t, `${t}x`)).toBe(false);
    expect(safeEqual('abcdef', 'ABCDEF')).toBe(false);
    expect(safeEqual('', t)).toBe(false);
  });

  it('hashes tokens for storage and knows their shape', () => {
    const t = randomToken();
    expect(isTokenShaped(t)).toBe(true);
    expect(isTokenShaped(`${t}.`)).toBe(false);
    expect(isTokenShaped(undefined)).toBe(false);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).not.toBe(hashToken(randomToken()));
  });
});
