/**
 * @module staff/frontDoor
 *
 * The checks every console request passes before a module sees it:
 *   1. a state-changing request from another origin is refused (Origin and
 *      Sec-Fetch-Site), whatever cookie it carries;
 *   2. no live session: an HTML page redirects to the login page, the JSON
 *      API answers 401;
 *   3. a state-changing request must carry the session's CSRF token (form
 *      field `_csrf` or header `x-csrf-token`), compared in constant time.
 * Then `staff` and `csrfToken` are set for the modules.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { STAFF_BASE_PATH } from './accounts.js';
import { messagePage } from './pages.js';
import type { StaffSessions } from './sessions.js';
import { safeEqual } from './signing.js';
import type { StaffEnv, StaffRole } from './types.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const LOGIN_PATH = `${STAFF_BASE_PATH}/login`;

export function isApiPath(c: Context): boolean {
  return c.req.path.startsWith(`${STAFF_BASE_PATH}/api/`);
}

/** A refusal in the shape the path expects: JSON under /staff/api/, an HTML page elsewhere. */
export function refuse(c: Context, status: 401 | 403, error: string, message: string): Response | Promise<Response> {
  c.header('Cache-Control', 'no-store');
  if (isApiPath(c)) return c.json({ error, message }, status);
  return c.html(messagePage(status === 403 ? 'Không có quyền' : 'Cần đăng nhập', message), status);
}

/** The origins the console's own pages are served from: this request's host, the forwarded one, PUBLIC_BASE_URL's. */
function ownOrigin(c: Context, origin: string, trustProxy: boolean, publicOrigin?: string): boolean {
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (publicOrigin !== undefined && origin === publicOrigin) return true;
  const own = [new URL(c.req.url).host, c.req.header('host')];
  if (trustProxy) own.push(c.req.header('x-forwarded-host')?.split(',')[0]?.trim());
  return own.some((h) => h !== undefined && h.toLowerCase() === host.toLowerCase());
}

/** Step 1: a non-GET request from another site is refused (403), signed in or not. */
export function sameOriginOnly(opts: { trustProxy: boolean; publicOrigin?: string }): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin');
      const site = c.req.header('sec-fetch-site');
      const crossSite = site === 'cross-site' || site === 'same-site';
      if (crossSite || (origin !== undefined && !ownOrigin(c, origin, opts.trustProxy, opts.publicOrigin))) {
        return refuse(c, 403, 'cross_origin', 'Yêu cầu gửi từ trang web khác nên bị từ chối.');
      }
    }
    await next();
  };
}

/** The CSRF token a request sent: the header, or the `_csrf` field of a form body. */
async function sentCsrfToken(c: Context): Promise<string | undefined> {
  const header = c.req.header('x-csrf-token');
  if (header !== undefined) return header;
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) {
    return undefined;
  }
  // Hono keeps the parsed body, so the module's handler can read it again.
  const field = (await c.req.parseBody())._csrf;
  return typeof field === 'string' ? field : undefined;
}

/** Steps 2 and 3: a live session, and its CSRF token on every state-changing request. */
export function requireSession(sessions: StaffSessions): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    const session = await sessions.current(c);
    if (!session) {
      c.header('Cache-Control', 'no-store');
      if (isApiPath(c)) return c.json({ error: 'unauthenticated', message: 'Vui lòng đăng nhập.' }, 401);
      return c.redirect(LOGIN_PATH, SAFE_METHODS.has(c.req.method) ? 302 : 303);
    }
    const csrfToken = sessions.csrfFor(session);
    if (!SAFE_METHODS.has(c.req.method)) {
      const sent = await sentCsrfToken(c);
      if (sent === undefined || !safeEqual(sent, csrfToken)) {
        return refuse(c, 403, 'csrf', 'Biểu mẫu đã cũ hoặc không hợp lệ. Vui lòng tải lại trang rồi thử lại.');
      }
    }
    c.set('staff', session.principal);
    c.set('csrfToken', csrfToken);
    c.header('Cache-Control', 'no-store');
    await next();
  };
}

/** For a module's routes only some roles may use: anyone else gets 403. */
export function requireRole(...roles: readonly StaffRole[]): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    if (!roles.includes(c.get('staff').role)) {
      return refuse(c, 403, 'forbidden', 'Tài khoản của anh/chị không có quyền dùng chức năng này.');
    }
    await next();
  };
}
