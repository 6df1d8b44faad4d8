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
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { SESSION_COOKIE, sessionCookieOptions, type WebSessions } from '../channels/web/session.js';

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

/** The address of the peer, or of the client as our proxy saw it (the last hop it appended). */
function networkOf(c: Context, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((h) => h.trim());
    const last = hops[hops.length - 1];
    if (last) return last;
  }
  return (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
}

function isSecure(c: Context): boolean {
  if ((c.env as NodeBindings | undefined)?.incoming?.socket?.encrypted) return true;
  if (new URL(c.req.url).protocol === 'https:') return true;
  // Believed even without TRUST_PROXY: a client that lies gets a cookie its own browser will not keep over http.
  return c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

export function visitorOf(c: Context, sessions: WebSessions, trustProxy: boolean): RequestVisitor {
  const proved = sessions.verify(getCookie(c, SESSION_COOKIE));
  return {
    sessionId: proved ?? sessions.issue(),
    known: proved !== undefined,
    network: networkOf(c, trustProxy),
    secure: isSecure(c),
  };
}

/** Sends (or renews) the cookie for `sessionId`. */
export function sendSessionCookie(c: Context, sessions: WebSessions, sessionId: string, secure: boolean): void {
  setCookie(c, SESSION_COOKIE, sessions.seal(sessionId), sessionCookieOptions(secure));
}
