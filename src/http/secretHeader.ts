/**
 * @module http/secretHeader
 *
 * Webhooks whose sender proves itself with a shared secret in a header
 * (Telegram's `X-Telegram-Bot-Api-Secret-Token`, the Zalo Bot Platform's
 * `X-Bot-Api-Secret-Token`). Secrets are compared as SHA-256 digests, so the
 * comparison takes the same time whatever the lengths or contents, and the
 * check runs before the body is read.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RawReply, RawRoute } from './rawRoute.js';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Equal-length digests, so the comparison time says nothing about the secret or its length. */
export function sameSecret(given: string | undefined, expected: string | Buffer): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), typeof expected === 'string' ? digest(expected) : expected);
}

/** A raw route's precheck: `refusal` unless the header carries the secret. */
export function secretHeaderCheck(
  header: string,
  secret: string,
  refusal: RawReply,
): NonNullable<RawRoute['precheck']> {
  const expected = digest(secret);
  return (read) => (sameSecret(read(header), expected) ? undefined : refusal);
}
