/**
 * @module staff/signing
 *
 * The console's secrets on the wire. A session id is 32 random bytes; the
 * cookie carries it with an HMAC-SHA256 tag (`<id>.<tag>`), and the database
 * keeps only its SHA-256, so neither a forged cookie nor a copy of the
 * database signs anyone in. The CSRF token of a session, and the one of the
 * login and set-up forms (bound to a short-lived random nonce cookie), are
 * HMACs too: nothing extra to store, and a token from one session is
 * worthless in another. Every comparison is constant-time.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const TAG_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const MIN_KEY_BYTES = 32;

/** 32 random bytes, base64url (43 characters): session ids, nonces, set-up tokens. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a token: its SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Equal strings, compared in constant time (lengths differ: false at once, which reveals only the length). */
export function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface StaffSigner {
  /** The cookie value proving session `id`. */
  seal(id: string): string;
  /** The session id a cookie value proves, or undefined. */
  open(cookie: string | undefined): string | undefined;
  /** The CSRF token of session `id`. */
  csrfFor(id: string): string;
  /** The CSRF token of a login or set-up form, bound to the nonce cookie of that browser. */
  formTokenFor(nonce: string): string;
}

export function createStaffSigner(secret: string | Buffer): StaffSigner {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (key.byteLength < MIN_KEY_BYTES) throw new RangeError(`the staff session key needs ${MIN_KEY_BYTES} bytes`);
  // A purpose prefix in every MAC: a session tag can never pass as a CSRF token, nor the reverse.
  const mac = (purpose: string, value: string): string =>
    createHmac('sha256', key).update(`staff1.${purpose}.${value}`).digest('base64url');
  return {
    seal: (id) => `${id}.${mac('cookie', id)}`,
    open(cookie) {
      if (cookie === undefined) return undefined;
      const dot = cookie.indexOf('.');
      if (dot < 0) return undefined;
      const id = cookie.slice(0, dot);
      const tag = cookie.slice(dot + 1);
      if (!ID_PATTERN.test(id) || !TAG_PATTERN.test(tag)) return undefined;
      return safeEqual(tag, mac('cookie', id)) ? id : undefined;
    },
    csrfFor: (id) => mac('csrf', id),
    formTokenFor: (nonce) => mac('form', nonce),
  };
}

/** True for a well-formed random token (session id, nonce, set-up token), before any lookup. */
export function isTokenShaped(value: string | undefined): value is string {
  return value !== undefined && ID_PATTERN.test(value);
}
