/**
 * @module channels/web/session
 *
 * Who a web visitor is. The server, never the page, picks the id: 18 random
 * bytes (144 bits) from the OS, sent back in a cookie as `<id>.<mac>` where
 * the MAC is HMAC-SHA256 of the id under the session secret. A cookie whose
 * MAC does not match (edited, forged, from another install, truncated) is
 * ignored and the visitor gets a fresh id, so the only way to be someone is
 * to hold the cookie the server gave them. The `user` string a client sends
 * to `/api/chat` names nobody.
 *
 * The id is opaque and carries nothing: what it stands for (a conversation,
 * maybe a citizen) is looked up on the server, so rotating it (when a
 * resident links an account) is a matter of moving those rows to a new id.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'hocvuso_sid';
/** Bytes of randomness in an id: 144 bits, above the 128 the brief asks for, and a whole number of base64 characters. */
const ID_BYTES = 18;
const ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;
const MAC_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** A cookie lives half a year; every answer renews it, so only a long-idle visitor starts over. */
export const SESSION_MAX_AGE_S = 180 * 86_400;
/** Shorter secrets are refused: the MAC is only as strong as its key. */
export const MIN_SECRET_BYTES = 32;

export interface WebSessions {
  /** The cookie that carries the session: each commune of a PostgreSQL install has its own (pgServer.ts). */
  readonly cookieName: string;
  /** The id a cookie value proves, or undefined when it proves nothing. */
  verify(cookie: string | undefined): string | undefined;
  /** A new random id. */
  issue(): string;
  /** The cookie value that proves `id`. */
  seal(id: string): string;
}

/**
 * Sessions under one secret. The MAC covers a version prefix too, so a
 * later format can never accept a value made for this one.
 */
export function createWebSessions(secret: string | Buffer, cookieName: string = SESSION_COOKIE): WebSessions {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (key.byteLength < MIN_SECRET_BYTES) throw new RangeError(`the session secret needs ${MIN_SECRET_BYTES} bytes`);
  const mac = (id: string): Buffer => createHmac('sha256', key).update(`v1.${id}`).digest();
  return {
    cookieName,
    verify(cookie) {
      if (cookie === undefined) return undefined;
      const dot = cookie.indexOf('.');
      const id = cookie.slice(0, dot);
      const given = cookie.slice(dot + 1);
      if (dot < 0 || !ID_PATTERN.test(id) || !MAC_PATTERN.test(given)) return undefined;
      // Compared as text: base64 decoding would accept two spellings of one MAC.
      const expected = Buffer.from(mac(id).toString('base64url'));
      return timingSafeEqual(Buffer.from(given), expected) ? id : undefined;
    },
    issue: () => randomBytes(ID_BYTES).toString('base64url'),
    seal: (id) => `${id}.${mac(id).toString('base64url')}`,
  };
}

/** The `Set-Cookie` attributes: never readable by the page's script, not sent on cross-site posts. */
export function sessionCookieOptions(secure: boolean) {
  return {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    maxAge: SESSION_MAX_AGE_S,
  } as const;
}
