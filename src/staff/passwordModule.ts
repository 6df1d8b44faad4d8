/**
 * @module staff/passwordModule
 *
 * GET/POST /staff/account/password: a signed-in staff member changes their
 * own password. The current password is required (a session left open on a
 * shared office computer must not be enough to take the account over), and a
 * wrong one counts as a failed login of that account, so the same lock that
 * stops password guessing at the login page stops it here. A change ends
 * every session of the account and is audited as `staff.password.change`;
 * no password ever reaches the audit log or a log line.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../core/ports.js';
import { consoleNavHtml } from './consoleNav.js';
import { LOGIN_PATH } from './frontDoor.js';
import { staffPage } from './pages.js';
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem, verifyPassword } from './password.js';
import { passwordBody } from './passwordPage.js';
import type { StaffStore } from './storePort.js';
import { ACCOUNT_POLICY, lockedUntil, minutesLeft, type ThrottlePolicy } from './throttle.js';
import type { AuditLog, StaffEnv, StaffModule } from './types.js';

export interface PasswordModuleDeps {
  readonly store: StaffStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly policy?: ThrottlePolicy;
}

const tooLong = `Mật khẩu dài quá ${MAX_PASSWORD_LENGTH} ký tự.`;
const PasswordForm = z.object({
  current: z
    .string({ error: 'Vui lòng nhập mật khẩu đang dùng.' })
    .min(1, 'Vui lòng nhập mật khẩu đang dùng.')
    .max(MAX_PASSWORD_LENGTH, tooLong),
  password: z.string({ error: 'Vui lòng nhập mật khẩu mới.' }).max(MAX_PASSWORD_LENGTH, tooLong),
  confirm: z.string({ error: 'Vui lòng nhập lại mật khẩu mới.' }).max(MAX_PASSWORD_LENGTH, tooLong),
});

export function createPasswordModule(deps: PasswordModuleDeps): StaffModule {
  const policy = deps.policy ?? ACCOUNT_POLICY;

  function page(c: Context<StaffEnv>, status: 200 | 400 | 401 | 429, error?: string) {
    const staff = c.get('staff');
    const csrfToken = c.get('csrfToken');
    c.header('Cache-Control', 'no-store');
    return c.html(
      staffPage(
        'Đổi mật khẩu',
        passwordBody({ csrfToken, province: staff.role === 'province', ...(error !== undefined && { error }) }),
        consoleNavHtml({ principal: staff, csrfToken, current: 'account', handoffOpen: c.get('handoffOpen') }),
      ),
      status,
    );
  }

  return (router: Hono<StaffEnv>) => {
    router.get('/account/password', (c) => page(c, 200));

    router.post('/account/password', async (c) => {
      const staff = c.get('staff');
      const parsed = PasswordForm.safeParse(await c.req.parseBody());
      if (!parsed.success) return page(c, 400, parsed.error.issues[0]?.message ?? 'Biểu mẫu không hợp lệ.');
      const { current, password, confirm } = parsed.data;

      const now = deps.clock.now();
      const since = new Date(now.getTime() - policy.memoryMs);
      const lock = lockedUntil(await deps.store.failures('account', staff.id, since), now, policy);
      if (lock) {
        c.header('Retry-After', String(Math.ceil((lock.getTime() - now.getTime()) / 1000)));
        return page(c, 429, `Nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau ${minutesLeft(lock, now)} phút.`);
      }
      const stored = (await deps.store.credentials(staff.id))?.passwordHash;
      if (stored === undefined || !(await verifyPassword(current, stored))) {
        await deps.store.addFailure([{ kind: 'account', key: staff.id }], deps.clock.now(), since);
        await deps.audit.record({ actorId: staff.id, action: 'staff.password.change.failed', target: staff.id });
        return page(c, 401, 'Mật khẩu đang dùng chưa đúng.');
      }
      const problem = passwordProblem(password, staff.id);
      if (problem) return page(c, 400, problem);
      if (password !== confirm) return page(c, 400, 'Hai lần nhập mật khẩu mới không giống nhau.');
      if (password === current) return page(c, 400, 'Mật khẩu mới phải khác mật khẩu đang dùng.');

      if (!(await deps.store.changePassword(staff.id, await hashPassword(password)))) {
        return page(c, 400, 'Tài khoản này không còn hoạt động.');
      }
      await deps.store.clearFailures('account', staff.id);
      await deps.audit.record({ actorId: staff.id, action: 'staff.password.change', target: staff.id });
      return c.redirect(`${LOGIN_PATH}?done=2`, 303);
    });
  };
}
