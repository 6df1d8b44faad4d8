/**
 * @module staff/loginRoutes
 *
 * GET/POST /staff/login and POST /staff/logout. A wrong name, a wrong
 * password, a disabled account or one without a password yet all get the
 * same words and take the same time (a dummy hash is checked when there is
 * no account). Failures are counted per login name and per network address
 * (staff/throttle.ts); while either is locked the password is not even
 * checked. Every outcome is written to the audit log, never the password.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Clock } from '../core/ports.js';
import { networkOf } from '../http/webVisitor.js';
import type { Logger } from '../logger.js';
import { STAFF_BASE_PATH } from './accounts.js';
import { formTokenFor, formTokenValid } from './formToken.js';
import { LOGIN_PATH } from './frontDoor.js';
import { loginPage } from './pages.js';
import { dummyHash, MAX_PASSWORD_LENGTH, verifyPassword } from './password.js';
import type { StaffSessions } from './sessions.js';
import type { StaffSigner } from './signing.js';
import type { FailureKind, StaffStore } from './storePort.js';
import { lockedUntil, minutesLeft, type ThrottlePolicy } from './throttle.js';
import type { AuditLog, StaffEnv } from './types.js';

export interface LoginDeps {
  readonly store: StaffStore;
  readonly sessions: StaffSessions;
  readonly signer: StaffSigner;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly audit: AuditLog;
  readonly secureOf: (c: Context) => boolean;
  readonly trustProxy: boolean;
  readonly accountPolicy: ThrottlePolicy;
  readonly networkPolicy: ThrottlePolicy;
}

export const WRONG_LOGIN = 'Tên đăng nhập hoặc mật khẩu không đúng.';
const FORM_EXPIRED = 'Biểu mẫu đã hết hạn. Trang đã được tải lại, vui lòng đăng nhập lại.';

const LoginForm = z.object({
  login: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

/** What the login page says after a password was set (1) or changed (2). */
const LOGIN_NOTICES: Readonly<Record<string, string>> = {
  '1': 'Đã lưu mật khẩu. Mời anh/chị đăng nhập.',
  '2': 'Đã đổi mật khẩu. Mọi phiên đăng nhập cũ đã kết thúc; mời anh/chị đăng nhập lại bằng mật khẩu mới.',
};

export function mountLoginRoutes(app: Hono, deps: LoginDeps): void {
  const { store, sessions, signer, clock, audit } = deps;
  let dummy: Promise<string> | undefined;

  const page = (
    c: Context,
    status: 200 | 400 | 401 | 403 | 413 | 429,
    opts: Omit<Parameters<typeof loginPage>[0], 'formToken'>,
  ) => {
    c.header('Cache-Control', 'no-store');
    return c.html(loginPage({ formToken: formTokenFor(c, signer, deps.secureOf(c)), ...opts }), status);
  };

  app.get('/login', async (c) => {
    if (await sessions.current(c)) return c.redirect(STAFF_BASE_PATH, 302);
    const notice = LOGIN_NOTICES[c.req.query('done') ?? ''];
    return page(c, 200, notice ? { notice } : {});
  });

  app.post(
    '/login',
    bodyLimit({ maxSize: 8 * 1024, onError: (c) => page(c, 413, { error: 'Nội dung gửi lên quá lớn.' }) }),
    async (c) => {
      const body = await c.req.parseBody();
      if (!formTokenValid(c, signer, body._csrf)) return page(c, 403, { error: FORM_EXPIRED });
      const parsed = LoginForm.safeParse(body);
      if (!parsed.success) return page(c, 400, { error: 'Vui lòng nhập tên đăng nhập và mật khẩu.' });
      const { login, password } = parsed.data;
      const network = networkOf(c, deps.trustProxy) ?? 'unknown';
      const keys: { kind: FailureKind; key: string; policy: ThrottlePolicy }[] = [
        { kind: 'account', key: login, policy: deps.accountPolicy },
        { kind: 'network', key: network, policy: deps.networkPolicy },
      ];
      const now = clock.now();
      const memory = Math.max(deps.accountPolicy.memoryMs, deps.networkPolicy.memoryMs);
      const since = new Date(now.getTime() - memory);
      const locks: Date[] = [];
      for (const k of keys) {
        const until = lockedUntil(await store.failures(k.kind, k.key, since), now, k.policy);
        if (until !== undefined) locks.push(until);
      }
      if (locks.length > 0) {
        const until = new Date(Math.max(...locks.map((d) => d.getTime())));
        c.header('Retry-After', String(Math.ceil((until.getTime() - now.getTime()) / 1000)));
        return page(c, 429, {
          error: `Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ${minutesLeft(until, now)} phút.`,
          loginId: login,
        });
      }

      const found = await store.credentials(login);
      const usable = found && !found.disabled && found.passwordHash !== undefined ? found : undefined;
      dummy ??= dummyHash();
      const ok = await verifyPassword(password, usable?.passwordHash ?? (await dummy));
      if (!usable || !ok) {
        await store.addFailure(keys, clock.now(), since);
        await audit.record({
          actorId: found ? found.principal.id : '-',
          action: 'staff.login.failed',
          details: { network, reason: !found ? 'unknown' : found.disabled ? 'disabled' : 'password' },
        });
        return page(c, 401, { error: WRONG_LOGIN, loginId: login });
      }
      await store.clearFailures('account', login);
      await sessions.start(c, usable.principal.id, deps.secureOf(c));
      await audit.record({ actorId: usable.principal.id, action: 'staff.login', details: { network } });
      deps.logger.info({ staff: usable.principal.id }, 'staff signed in');
      return c.redirect(STAFF_BASE_PATH, 303);
    },
  );
}

/** POST /staff/logout, behind the front door (so it needs the session's CSRF token). */
export function mountLogout(app: Hono<StaffEnv>, deps: Pick<LoginDeps, 'sessions' | 'audit' | 'secureOf'>): void {
  app.post('/logout', async (c) => {
    await deps.sessions.end(c, deps.secureOf(c));
    await deps.audit.record({ actorId: c.get('staff').id, action: 'staff.logout' });
    return c.redirect(LOGIN_PATH, 303);
  });
}
