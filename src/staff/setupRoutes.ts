/**
 * @module staff/setupRoutes
 *
 * GET/POST /staff/setup?token=…: the owner of a new account (or of a reset
 * link) chooses a password, once. The token is checked against its hash,
 * spent in the same transaction that stores the password, and every
 * session of the account ends, so a reset also shuts out whoever knew the
 * old password.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Clock } from '../core/ports.js';
import { STAFF_BASE_PATH } from './accounts.js';
import { formTokenFor, formTokenValid } from './formToken.js';
import { LOGIN_PATH } from './frontDoor.js';
import { messagePage, setupPage } from './pages.js';
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem } from './password.js';
import { hashToken, isTokenShaped, type StaffSigner } from './signing.js';
import type { StaffStore } from './storePort.js';
import type { AuditLog } from './types.js';

export interface SetupDeps {
  readonly store: StaffStore;
  readonly signer: StaffSigner;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly secureOf: (c: Context) => boolean;
}

const LINK_UNUSABLE =
  'Đường dẫn đặt mật khẩu này đã được dùng, đã hết hạn (sau 72 giờ) hoặc không đúng. Vui lòng đề nghị quản trị viên của xã cấp đường dẫn mới.';

const SetupForm = z.object({
  token: z.string().refine(isTokenShaped),
  password: z.string().max(MAX_PASSWORD_LENGTH, `Mật khẩu dài quá ${MAX_PASSWORD_LENGTH} ký tự.`),
  confirm: z.string().max(MAX_PASSWORD_LENGTH),
});

export function mountSetupRoutes(app: Hono, deps: SetupDeps): void {
  const { store, signer, clock } = deps;

  const unusable = (c: Context) => {
    c.header('Cache-Control', 'no-store');
    return c.html(
      messagePage('Không dùng được đường dẫn', LINK_UNUSABLE, { href: LOGIN_PATH, label: 'Về trang đăng nhập' }),
      410,
    );
  };

  const form = async (c: Context, token: string, status: 200 | 400 | 403, error?: string) => {
    const account = await store.setupAccount(hashToken(token), clock.now());
    if (!account) return unusable(c);
    c.header('Cache-Control', 'no-store');
    // The token is in the address: no Referer may carry it to another site. Not 'no-referrer': under
    // it a browser posts the form with `Origin: null`, which the front door refuses as cross-site.
    // (http/app.ts sets the same policy on every response.)
    c.header('Referrer-Policy', 'same-origin');
    const formToken = formTokenFor(c, signer, deps.secureOf(c));
    return c.html(
      setupPage({ formToken, token, loginId: account.id, name: account.name, ...(error && { error }) }),
      status,
    );
  };

  app.get('/setup', (c) => {
    const token = c.req.query('token');
    return isTokenShaped(token) ? form(c, token, 200) : unusable(c);
  });

  app.post('/setup', bodyLimit({ maxSize: 8 * 1024, onError: (c) => unusable(c) }), async (c) => {
    const body = await c.req.parseBody();
    const parsed = SetupForm.safeParse(body);
    if (!parsed.success) {
      const token = typeof body.token === 'string' && isTokenShaped(body.token) ? body.token : undefined;
      return token ? form(c, token, 400, parsed.error.issues[0]?.message) : unusable(c);
    }
    const { token, password, confirm } = parsed.data;
    if (!formTokenValid(c, signer, body._csrf)) {
      return form(c, token, 403, 'Biểu mẫu đã hết hạn. Trang đã được tải lại, vui lòng nhập lại mật khẩu.');
    }
    const tokenHash = hashToken(token);
    const account = await store.setupAccount(tokenHash, clock.now());
    if (!account) return unusable(c);
    const problem = passwordProblem(password, account.id);
    if (problem) return form(c, token, 400, problem);
    if (password !== confirm) return form(c, token, 400, 'Hai lần nhập mật khẩu không giống nhau.');
    const accountId = await store.useSetupToken(tokenHash, await hashPassword(password), clock.now());
    if (accountId === undefined) return unusable(c);
    await deps.audit.record({ actorId: accountId, action: 'staff.password.set', target: accountId });
    return c.redirect(`${STAFF_BASE_PATH}/login?done=1`, 303);
  });
}
