/**
 * @module http/webVisitor
 *
 * The HTTP side of a web session: which session a request proves (its
 * signed cookie, or a new one), the client's address for the per-address
 * limits, and the cookie sent back. The address comes from
 * `X-Forwarded-For` only when TRUST_PROXY says a proxy of ours sets it:
 * anyone can send that header, and a limit keyed by a value the client picks
 * limits nothing. `X-Forwarded-Proto: https` always adds `Secure`.
 */
import { isIP } from 'node:net';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { sessionCookieOptions, type WebSessions } from '../channels/web/session.js';

export interface RequestVisitor {
  readonly sessionId: string;
  /** The cookie already proved this session (no new one was made). */
  readonly known: boolean;
  readonly network?: string;
  /** Served over https (directly, or per the trusted proxy): the cookie gets `Secure`. */
  readonly secure: boolean;
}

interface NodeBindings {
  readonly incoming?: { readonly socket?: { readonly remoteAddress?: string; readonly encrypted?: boolean } };
}

/**
 * The network a client address stands for, as limits key it: an IPv4
 * address itself (an IPv4-mapped IPv6 one too), an IPv6 address by its /64,
 * since one household or phone is given a whole /64 and could otherwise
 * change address at every request.
 */
export function networkKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return mapped;
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]?.split('::') ?? [];
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The address of the peer, or of the client as our proxy saw it (the last hop it appended). */
export function networkOf(c: Context, trustProxy: boolean): string | undefined {
  let address: string | undefined;
  if (trustProxy) {
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((h) => h.trim());
    address = hops[hops.length - 1] || undefined;
  }
  address ??= (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
  return address === undefined ? undefined : networkKey(address);
}

export function isSecure(c: Context): boolean {
  if ((c.env as NodeBindings | undefined)?.incoming?.socket?.encrypted) return true;
  if (new URL(c.req.url).protocol === 'https:') return true;
  // Believed even without TRUST_PROXY: a client that lies gets a cookie its own browser will not keep over http.
  return c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

export function visitorOf(c: Context, sessions: WebSessions, trustProxy: boolean): RequestVisitor {
  const proved = sessions.verify(getCookie(c, sessions.cookieName));
  return {
    sessionId: proved ?? sessions.issue(),
    known: proved !== undefined,
    network: networkOf(c, trustProxy),
    secure: isSecure(c),
  };
}

/** Sends (or renews) the cookie for `sessionId`. */
export function sendSessionCookie(c: Context, sessions: WebSessions, sessionId: string, secure: boolean): void {
  setCookie(c, sessions.cookieName, sessions.seal(sessionId), sessionCookieOptions(secure));
}
