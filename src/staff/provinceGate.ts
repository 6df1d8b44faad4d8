/**
 * @module staff/provinceGate
 *
 * Where a province account may go in the console: the "Toàn tỉnh" page and
 * its exports, its own password, sign-out and `/api/me`. Every other page
 * belongs to one commune (its threads with residents, its settings, its
 * hamlet figures, its unanswered questions) and answers 403 to the province,
 * decided here once, before any commune module runs, so a module written for
 * a commune's own staff never has to think about the province (and
 * `communeScopeOf` fails closed if one is ever reached anyway). The console's
 * landing page leads a province account to its own page.
 */
import type { MiddlewareHandler } from 'hono';
import { STAFF_BASE_PATH } from './accounts.js';
import { refuse } from './frontDoor.js';
import type { StaffEnv } from './types.js';

/** The province page, relative to the console. */
export const PROVINCE_PATH = '/tinh';

const ALLOWED = [
  new RegExp(`^${STAFF_BASE_PATH}${PROVINCE_PATH}(?:$|[/.])`),
  new RegExp(`^${STAFF_BASE_PATH}/account/password$`),
];

export const PROVINCE_ONLY_MESSAGE =
  'Tài khoản cấp tỉnh chỉ xem trang "Toàn tỉnh" (tiến độ của các xã); trang này thuộc về từng xã.';

export function provinceGate(): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    if (c.get('staff').role !== 'province') return next();
    const path = c.req.path;
    if (ALLOWED.some((allowed) => allowed.test(path))) return next();
    if (c.req.method === 'GET' && path === STAFF_BASE_PATH) return c.redirect(`${STAFF_BASE_PATH}${PROVINCE_PATH}`);
    return refuse(c, 403, 'forbidden', PROVINCE_ONLY_MESSAGE);
  };
}
