/**
 * @module core/random
 *
 * Ids, link codes and option shuffles drawn from the injected `Random` port,
 * so tests can fix the sequence and production can use a CSPRNG.
 */
import type { Random } from './ports.js';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** No 0/O, 1/I/L: a resident copies the code by hand from one phone to another. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function draw(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random.next() * alphabet.length)] ?? alphabet[0];
  return out;
}

/** A short opaque id (10 characters ≈ 51 bits): citizens, attempts. */
export function newId(random: Random, length = 10): string {
  return draw(random, ID_ALPHABET, length);
}

/**
 * Characters in a link code. Eight from 31 (31^8 ≈ 8.5 × 10^11 codes): with
 * the failed-attempt limits (registry/linkGuard) one address can try 2,880
 * codes a day, so even 100 codes alive at every moment are hit with
 * probability about 3 × 10^-7 a day (README, "Guarantees"). Six characters
 * (8.9 × 10^8) left that a thousand times likelier.
 */
export const LINK_CODE_LENGTH = 8;

/** An eight-character link code that is easy to read aloud and type. */
export function newLinkCode(random: Random): string {
  return draw(random, CODE_ALPHABET, LINK_CODE_LENGTH);
}

export const LINK_CODE_PATTERN = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/;

/** Fisher–Yates shuffle of 0..n-1. */
export function permutation(random: Random, n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const tmp = out[i] as number;
    out[i] = out[j] as number;
    out[j] = tmp;
  }
  return out;
}
