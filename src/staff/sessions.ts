/**
 * @module staff/sessions
 *
 * Signed-in sessions of the console, over the HTTP cookie. The cookie holds
 * a random id and its HMAC; the server holds the session (its hash), so a
 * logout, a new password or a disabled account ends it for good. A session
 * ends after 12 hours without a request, and 7 days after sign-in whatever
 * happens. The cookie is HttpOnly, SameSite=Strict, limited to /staff, and
 * Secure whenever the page came over https.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Clock } from '../core/ports.js';
import { STAFF_BASE_PATH } from './accounts.js';
import { hashToken, randomToken, type StaffSigner } from './signing.js';
import type { StaffStore } from './storePort.js';
import type { StaffPrincipal } from './types.js';

export const STAFF_COOKIE = 'hocvuso_staff';
export const IDLE_MS = 12 * 3_600_000;
export const ABSOLUTE_MS = 7 * 86_400_000;
/** last_seen is written at most once a minute per session: a page's dozen requests make one write. */
const TOUCH_EVERY_MS = 60_000;

export interface CurrentSession {
  readonly id: string;
  readonly principal: StaffPrincipal;
}

export function staffCookieOptions(secure: boolean, maxAgeSeconds: number) {
  return { httpOnly: true, sameSite: 'Strict', secure, path: STAFF_BASE_PATH, maxAge: maxAgeSeconds } as const;
}

export class StaffSessions {
  constructor(
    private readonly store: StaffStore,
    private readonly signer: StaffSigner,
    private readonly clock: Clock,
  ) {}

  /** The live session the request's cookie proves, or undefined (an expired one is removed). */
  async current(c: Context): Promise<CurrentSession | undefined> {
    const id = this.signer.open(getCookie(c, STAFF_COOKIE));
    if (id === undefined) return undefined;
    const hash = hashToken(id);
    const record = await this.store.session(hash);
    if (!record) return undefined;
    const now = this.clock.now().getTime();
    if (now >= record.expiresAt.getTime() || now - record.lastSeenAt.getTime() >= IDLE_MS) {
      await this.store.endSession(hash);
      return undefined;
    }
    if (now - record.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await this.store.touchSession(hash, new Date(now));
    return { id, principal: record.principal };
  }

  /** Starts a new session for `accountId` (a fresh id: the one before sign-in is never reused) and sends its cookie. */
  async start(c: Context, accountId: string, secure: boolean): Promise<void> {
    const previous = this.signer.open(getCookie(c, STAFF_COOKIE));
    if (previous !== undefined) await this.store.endSession(hashToken(previous));
    const id = randomToken();
    const now = this.clock.now();
    await this.store.addSession(hashToken(id), accountId, now, new Date(now.getTime() + ABSOLUTE_MS));
    setCookie(c, STAFF_COOKIE, this.signer.seal(id), staffCookieOptions(secure, ABSOLUTE_MS / 1000));
  }

  /** Ends the request's session on the server and clears its cookie. */
  async end(c: Context, secure: boolean): Promise<void> {
    const id = this.signer.open(getCookie(c, STAFF_COOKIE));
    if (id !== undefined) await this.store.endSession(hashToken(id));
    deleteCookie(c, STAFF_COOKIE, { path: STAFF_BASE_PATH, secure, httpOnly: true, sameSite: 'Strict' });
  }

  csrfFor(session: CurrentSession): string {
    return this.signer.csrfFor(session.id);
  }
}
