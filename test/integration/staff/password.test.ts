import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPasswordModule } from '../../../src/staff/passwordModule.js';
import { fixedClock } from '../../helpers.js';
import {
  postLogin,
  signIn,
  staffConsole,
  TEST_PASSWORD,
  type StaffConsole,
  type StaffSession,
} from '../../staffSession.js';
import { openTestRepos, type TestReposDb } from '../../testRepos.js';

const NEW_PASSWORD = 'mat khau moi cua xom 2027';

async function change(t: StaffConsole, s: StaffSession, form: Record<string, string>): Promise<Response> {
  return t.app.request('/staff/account/password', {
    method: 'POST',
    headers: { ...s.headers(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: s.csrfToken, ...form }).toString(),
  });
}

let repos: TestReposDb;
beforeAll(async () => {
  repos = await openTestRepos();
});
afterAll(async () => {
  await repos?.close();
});

describe('staff password change (/staff/account/password)', () => {
  let t: StaffConsole;
  let staff: StaffSession;
  beforeEach(async () => {
    // The module needs the app's own store, audit log and clock: built from the same commune and clock.
    const commune = await repos.fresh();
    const clock = fixedClock();
    const store = commune.staff;
    const audit = commune.audit(clock);
    t = staffConsole({ store, audit, clock, modules: [createPasswordModule({ store, audit, clock })] });
    staff = await signIn(t, { role: 'hamlet', hamletId: 'xom-2' });
  });

  it('shows the form to a signed-in member and sends others to the login page', async () => {
    const page = await t.app.request('/staff/account/password', { headers: staff.headers() });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Mật khẩu đang dùng');
    expect(html).toContain('name="_csrf"');
    const anonymous = await t.app.request('/staff/account/password');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toContain('/staff/login');
  });

  it('changes the password, ends every session and lets the new password in', async () => {
    const other = await signIn(t, { accountId: staff.accountId });
    const res = await change(t, staff, { current: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/login?done=2');
    for (const s of [staff, other]) {
      const after = await t.app.request('/staff/account/password', { headers: s.headers() });
      expect(after.status).toBe(302);
    }
    expect((await postLogin(t.app, staff.accountId, TEST_PASSWORD)).status).toBe(401);
    expect((await postLogin(t.app, staff.accountId, NEW_PASSWORD)).status).toBe(303);
    const notice = await t.app.request('/staff/login?done=2');
    expect(await notice.text()).toContain('Đã đổi mật khẩu');
    const lines = await t.audit.recent(20);
    expect(lines.map((l) => l.action)).toContain('staff.password.change');
    expect(JSON.stringify(lines)).not.toContain(NEW_PASSWORD);
  });

  it('refuses a wrong current password, a weak or mismatched new one, and keeps the old one', async () => {
    const wrong = await change(t, staff, {
      current: 'khong phai mat khau',
      password: NEW_PASSWORD,
      confirm: NEW_PASSWORD,
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Mật khẩu đang dùng chưa đúng.');
    const short = await change(t, staff, { current: TEST_PASSWORD, password: 'ngan', confirm: 'ngan' });
    expect(short.status).toBe(400);
    const mismatch = await change(t, staff, {
      current: TEST_PASSWORD,
      password: NEW_PASSWORD,
      confirm: `${NEW_PASSWORD}!`,
    });
    expect(mismatch.status).toBe(400);
    const mismatchPage = await mismatch.text();
    expect(mismatchPage).toContain('không giống nhau');
    expect(mismatchPage).not.toContain(NEW_PASSWORD);
    const same = await change(t, staff, { current: TEST_PASSWORD, password: TEST_PASSWORD, confirm: TEST_PASSWORD });
    expect(same.status).toBe(400);
    expect((await t.app.request('/staff/account/password', { headers: staff.headers() })).status).toBe(200);
    expect((await postLogin(t.app, staff.accountId, TEST_PASSWORD)).status).toBe(303);
  });

  it('locks after repeated wrong current passwords, like the login page', async () => {
    for (let i = 0; i < 5; i += 1) {
      const r = await change(t, staff, {
        current: `sai ${i} lan roi nhe`,
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      expect(r.status).toBe(401);
    }
    const locked = await change(t, staff, { current: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).not.toBeNull();
    expect((await postLogin(t.app, staff.accountId, TEST_PASSWORD)).status).toBe(429);
  });

  it('refuses a post without the CSRF token', async () => {
    const res = await t.app.request('/staff/account/password', {
      method: 'POST',
      headers: { cookie: staff.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ current: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD }).toString(),
    });
    expect(res.status).toBe(403);
    expect((await postLogin(t.app, staff.accountId, TEST_PASSWORD)).status).toBe(303);
  });
});
