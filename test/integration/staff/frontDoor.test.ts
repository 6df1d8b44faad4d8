/**
 * Issue 17 item 2: the console's front door. Nothing under /staff but the
 * login and set-up pages answers without a session; sessions start at
 * login, end at logout or when the account is disabled; every state change
 * needs the session's CSRF token and a same-origin request; roles are
 * enforced; everything lands in the audit log.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { requireRole } from '../../../src/staff/frontDoor.js';
import type { StaffEnv, StaffModule } from '../../../src/staff/types.js';
import {
  cookiesOf,
  createStaffAccount,
  openLoginForm,
  postLogin,
  signIn,
  staffConsoleOn,
  TEST_PASSWORD,
  type StaffConsole,
} from '../../staffSession.js';
import { openTestRepos, type TestRepos, type TestReposDb } from '../../testRepos.js';

/** A module as other parts of the console write them: a page, a JSON read, a JSON change, an admin-only route. */
const sampleModule: StaffModule = (router: Hono<StaffEnv>) => {
  router.get('/sample', (c) => c.html(`<p>${c.get('staff').id}</p>`));
  router.get('/api/sample', (c) => c.json({ who: c.get('staff').id }));
  router.post('/api/sample', (c) => c.json({ changed: true }));
  router.post('/sample/form', async (c) => {
    const body = await c.req.parseBody();
    return c.json({ note: body.note });
  });
  router.get('/api/admin-only', requireRole('admin'), (c) => c.json({ ok: true }));
};

let repos: TestReposDb;
beforeAll(async () => {
  repos = await openTestRepos();
});
afterAll(async () => {
  await repos?.close();
});

/** Each case a commune of its own on the run's database (SQLite or PostgreSQL). */
let commune: TestRepos;
let t: StaffConsole;
beforeEach(async () => {
  commune = await repos.fresh();
  t = staffConsoleOn(commune, { modules: [sampleModule] });
});

const req = (path: string, init?: RequestInit) => t.app.request(path, init);

describe('without a session', () => {
  const pages = ['/staff', '/staff/sample', '/staff/unknown-page'];
  const apis = [
    '/staff/api/me',
    '/staff/api/audit',
    '/staff/api/sample',
    '/staff/api/admin-only',
    '/staff/api/unknown',
  ];

  it('every HTML page redirects to the login page', async () => {
    for (const path of pages) {
      const res = await req(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location'), path).toBe('/staff/login');
    }
    const slash = await req('/staff/');
    expect(slash.status).toBe(301);
    expect(slash.headers.get('location')).toBe('/staff');
  });

  it('every API route answers 401 JSON', async () => {
    for (const path of apis) {
      const res = await req(path);
      expect(res.status, path).toBe(401);
      expect(await res.json(), path).toMatchObject({ error: 'unauthenticated' });
    }
    const post = await req('/staff/api/sample', { method: 'POST', body: '{}' });
    expect(post.status).toBe(401);
  });

  it('a state-changing page post and logout lead to the login page', async () => {
    for (const path of ['/staff/logout', '/staff/sample/form']) {
      const res = await req(path, { method: 'POST' });
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe('/staff/login');
    }
  });

  it('a forged or foreign cookie proves nothing', async () => {
    const other = staffConsoleOn(await repos.fresh(), { modules: [sampleModule] });
    const session = await signIn(other, { role: 'admin' });
    const res = await req('/staff/api/me', { headers: { cookie: session.cookie } });
    expect(res.status).toBe(401);
    const junk = await req('/staff/api/me', { headers: { cookie: 'hocvuso_staff=abc.def' } });
    expect(junk.status).toBe(401);
  });

  it('the login page and stylesheet are open; the page has no inline script or style', async () => {
    const login = await req('/staff/login');
    expect(login.status).toBe(200);
    const html = await login.text();
    expect(html).toContain('Đăng nhập');
    expect(html).toContain('href="/staff/assets/staff.css"');
    expect(html).not.toMatch(/<script|style=|<style/i);
    const css = await req('/staff/assets/staff.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });
});

describe('login', () => {
  it('signs in with the right password: a new HttpOnly, SameSite=Strict cookie on /staff, and an audit line', async () => {
    const id = await createStaffAccount(t, { role: 'admin', name: 'Nguyễn Thị Lan', id: 'lan' });
    const res = await postLogin(t.app, 'LAN', TEST_PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff');
    const line = res.headers.getSetCookie().find((l) => l.startsWith('hocvuso_staff='));
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Strict/i);
    expect(line).toMatch(/Path=\/staff/);
    expect(line).not.toMatch(/Secure/i);
    const cookie = `hocvuso_staff=${cookiesOf(res).hocvuso_staff ?? ''}`;
    const home = await req('/staff', { headers: { cookie } });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Xin chào Nguyễn Thị Lan');
    const me = await req('/staff/api/me', { headers: { cookie } });
    expect(await me.json()).toMatchObject({ id, role: 'admin', scope: { kind: 'commune' } });
    expect((await t.audit.recent(10)).map((l) => l.action)).toContain('staff.login');
  });

  it('marks the cookie Secure when the request came over https', async () => {
    await createStaffAccount(t, { role: 'admin', id: 'lan' });
    const res = await postLogin(t.app, 'lan', TEST_PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(res.headers.getSetCookie().find((l) => l.startsWith('hocvuso_staff='))).toMatch(/Secure/);
  });

  it('says the same thing for a wrong password, an unknown name and a disabled account', async () => {
    await createStaffAccount(t, { role: 'admin', id: 'lan' });
    await createStaffAccount(t, { role: 'admin', id: 'khoa' });
    await t.store.disable('khoa', t.clock.now());
    const answers = [];
    for (const [login, password] of [
      ['lan', 'sai mat khau roi'],
      ['khong-co-ai', TEST_PASSWORD],
      ['khoa', TEST_PASSWORD],
    ] as const) {
      const res = await postLogin(t.app, login, password);
      expect(res.status).toBe(401);
      expect(cookiesOf(res).hocvuso_staff).toBeUndefined();
      const html = await res.text();
      answers.push(/<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1]);
    }
    expect(answers[0]).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
    expect(new Set(answers).size).toBe(1);
    const failed = (await t.audit.recent(10)).filter((l) => l.action === 'staff.login.failed');
    expect(failed).toHaveLength(3);
    expect(JSON.stringify(failed)).not.toContain('sai mat khau');
    expect(t.logLines.join('')).not.toContain(TEST_PASSWORD);
  });

  it('shows a typed login name back as text, never as markup', async () => {
    const res = await postLogin(t.app, '"><script>alert(1)</script>', 'sai mat khau roi');
    const html = await res.text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('refuses a login post without the form token of this browser', async () => {
    await createStaffAccount(t, { role: 'admin', id: 'lan' });
    const form = await openLoginForm(t.app);
    const body = (token: string) =>
      new URLSearchParams({ _csrf: token, login: 'lan', password: TEST_PASSWORD }).toString();
    const type = { 'content-type': 'application/x-www-form-urlencoded' };
    const noCookie = await req('/staff/login', { method: 'POST', headers: type, body: body(form.token) });
    expect(noCookie.status).toBe(403);
    const wrong = await req('/staff/login', {
      method: 'POST',
      headers: { ...type, cookie: form.cookie },
      body: body(`${form.token.slice(0, -2)}xx`),
    });
    expect(wrong.status).toBe(403);
    const right = await req('/staff/login', {
      method: 'POST',
      headers: { ...type, cookie: form.cookie },
      body: body(form.token),
    });
    expect(right.status).toBe(303);
  });

  it('rotates the session at login: the cookie held before no longer works', async () => {
    const first = await signIn(t, { role: 'admin', id: 'lan' });
    const again = await postLogin(t.app, 'lan', TEST_PASSWORD, { cookie: first.cookie });
    const second = `hocvuso_staff=${cookiesOf(again).hocvuso_staff ?? ''}`;
    expect(second).not.toBe(first.cookie);
    expect((await req('/staff/api/me', { headers: { cookie: first.cookie } })).status).toBe(401);
    expect((await req('/staff/api/me', { headers: { cookie: second } })).status).toBe(200);
  });
});

describe('throttling failed logins', () => {
  it('locks a login name after 5 failures in 15 minutes, even for the right password, then lets it in', async () => {
    await createStaffAccount(t, { role: 'admin', id: 'lan' });
    for (let i = 0; i < 5; i++) expect((await postLogin(t.app, 'lan', `sai mat khau ${i}`)).status).toBe(401);
    const locked = await postLogin(t.app, 'lan', TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain('thử lại sau 1 phút');
    expect(locked.headers.get('retry-after')).toBe('60');
    t.clock.set('2026-12-01T08:01:01.000Z');
    expect((await postLogin(t.app, 'lan', TEST_PASSWORD)).status).toBe(303);
  });

  it('locks an unknown name exactly like a real one', async () => {
    for (let i = 0; i < 5; i++) expect((await postLogin(t.app, 'khong-co-ai', `sai ${i}`)).status).toBe(401);
    expect((await postLogin(t.app, 'khong-co-ai', 'sai nua')).status).toBe(429);
  });

  it('locks one network address after its limit of failures across names, not the others', async () => {
    const app = staffConsoleOn(commune, {
      trustProxy: true,
      clock: t.clock,
      throttle: {
        network: { limit: 3, windowMs: 900_000, baseLockMs: 60_000, maxLockMs: 3_600_000, memoryMs: 86_400_000 },
      },
    });
    await createStaffAccount(app, { role: 'admin', id: 'lan' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    for (const name of ['a1', 'a2', 'a3'])
      expect((await postLogin(app.app, name, 'sai roi', from('203.0.113.9'))).status).toBe(401);
    expect((await postLogin(app.app, 'lan', TEST_PASSWORD, from('203.0.113.9'))).status).toBe(429);
    expect((await postLogin(app.app, 'lan', TEST_PASSWORD, from('198.51.100.7'))).status).toBe(303);
  });
});

describe('with a session', () => {
  it('refuses a state change without the CSRF token, or with a wrong one (403), and accepts the right one', async () => {
    const s = await signIn(t, { role: 'admin' });
    const post = (headers: Record<string, string>) => req('/staff/api/sample', { method: 'POST', headers, body: '{}' });
    expect((await post({ cookie: s.cookie, 'content-type': 'application/json' })).status).toBe(403);
    expect((await post({ cookie: s.cookie, 'x-csrf-token': `${s.csrfToken}x` })).status).toBe(403);
    const other = await signIn(t, { role: 'admin', id: 'other' });
    expect((await post({ cookie: s.cookie, 'x-csrf-token': other.csrfToken })).status).toBe(403);
    const ok = await post(s.headers({ json: true }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ changed: true });
  });

  it('takes the CSRF token from a form field too, and the module still reads the form', async () => {
    const s = await signIn(t, { role: 'admin' });
    const form = (token: string) =>
      req('/staff/sample/form', {
        method: 'POST',
        headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token, note: 'ghi chú' }).toString(),
      });
    expect((await form('nope')).status).toBe(403);
    const ok = await form(s.csrfToken);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ note: 'ghi chú' });
  });

  it('refuses a state change from another origin even with the right token', async () => {
    const s = await signIn(t, { role: 'admin' });
    const cross = await req('/staff/api/sample', {
      method: 'POST',
      headers: { ...s.headers({ json: true }), origin: 'https://evil.example' },
      body: '{}',
    });
    expect(cross.status).toBe(403);
    expect(await cross.json()).toMatchObject({ error: 'cross_origin' });
    const site = await req('/staff/api/sample', {
      method: 'POST',
      headers: { ...s.headers({ json: true }), 'sec-fetch-site': 'cross-site' },
      body: '{}',
    });
    expect(site.status).toBe(403);
    const same = await req('http://localhost/staff/api/sample', {
      method: 'POST',
      headers: { ...s.headers({ json: true }), origin: 'http://localhost', 'sec-fetch-site': 'same-origin' },
      body: '{}',
    });
    expect(same.status).toBe(200);
    const login = await req('/staff/login', { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(login.status).toBe(403);
  });

  it('gives a hamlet team 403 on admin-only routes, and the admin the audit log', async () => {
    const hamlet = await signIn(t, { role: 'hamlet', hamletId: 'xom-2', id: 'to-xom-2' });
    expect((await req('/staff/api/admin-only', { headers: hamlet.headers() })).status).toBe(403);
    const audit = await req('/staff/api/audit', { headers: hamlet.headers() });
    expect(audit.status).toBe(403);
    expect(await audit.json()).toMatchObject({ error: 'forbidden' });
    const me = await req('/staff/api/me', { headers: hamlet.headers() });
    expect(await me.json()).toMatchObject({
      role: 'hamlet',
      hamletId: 'xom-2',
      scope: { kind: 'hamlet', hamletId: 'xom-2' },
    });

    const admin = await signIn(t, { role: 'admin', id: 'lan' });
    expect((await req('/staff/api/admin-only', { headers: admin.headers() })).status).toBe(200);
    const lines = await req('/staff/api/audit?limit=1', { headers: admin.headers() });
    expect(lines.status).toBe(200);
    const body = (await lines.json()) as { lines: { actorId: string; action: string }[]; next?: number };
    expect(body.lines).toEqual([expect.objectContaining({ actorId: 'lan', action: 'staff.login' })]);
    expect(body.next).toBeTypeOf('number');
    expect((await req('/staff/api/audit?limit=0', { headers: admin.headers() })).status).toBe(400);
  });

  it('logout ends the session on the server, and is audited', async () => {
    const s = await signIn(t, { role: 'admin', id: 'lan' });
    const out = await req('/staff/logout', { method: 'POST', headers: s.headers() });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/staff/login');
    expect(out.headers.getSetCookie().join()).toMatch(/hocvuso_staff=;/);
    expect((await req('/staff/api/me', { headers: { cookie: s.cookie } })).status).toBe(401);
    expect((await t.audit.recent(1))[0]).toMatchObject({ actorId: 'lan', action: 'staff.logout' });
  });

  it("a disabled account's session stops working at its next request", async () => {
    const s = await signIn(t, { role: 'hamlet', id: 'to-xom-1' });
    expect((await req('/staff/api/me', { headers: s.headers() })).status).toBe(200);
    expect(await t.store.disable('to-xom-1', t.clock.now())).toBe(true);
    expect((await req('/staff/api/me', { headers: s.headers() })).status).toBe(401);
    expect((await req('/staff', { headers: s.headers() })).status).toBe(302);
  });

  it('ends after 12 idle hours, and after 7 days however active', async () => {
    const s = await signIn(t, { role: 'admin' });
    t.clock.set('2026-12-01T19:59:00.000Z');
    expect((await req('/staff/api/me', { headers: s.headers() })).status).toBe(200);
    t.clock.set('2026-12-02T07:58:00.000Z');
    expect((await req('/staff/api/me', { headers: s.headers() })).status).toBe(200);
    t.clock.set('2026-12-02T20:00:00.000Z');
    expect((await req('/staff/api/me', { headers: s.headers() })).status).toBe(401);

    // Signed in at 2026-12-02T20:00, a request every 10 hours keeps it alive for 7 days, not longer.
    const active = await signIn(t, { role: 'admin', id: 'active' });
    const start = t.clock.now().getTime();
    for (let h = 10; h < 7 * 24; h += 10) {
      t.clock.set(new Date(start + h * 3_600_000).toISOString());
      expect((await req('/staff/api/me', { headers: active.headers() })).status, `${h} h`).toBe(200);
    }
    t.clock.set(new Date(start + 7 * 86_400_000 + 60_000).toISOString());
    expect((await req('/staff/api/me', { headers: active.headers() })).status).toBe(401);
  });
});

describe('modules', () => {
  it('a module that registers GET / replaces the built-in landing page', async () => {
    const dashboard: StaffModule = (router) =>
      router.get('/', (c) => c.text(`bảng điều khiển của ${c.get('staff').id}`));
    const app = staffConsoleOn(await repos.fresh(), { modules: [dashboard] });
    const s = await signIn(app, { role: 'admin', id: 'lan' });
    const res = await app.app.request('/staff', { headers: s.headers() });
    expect(await res.text()).toBe('bảng điều khiển của lan');
  });

  it('the built-in landing page shows who is signed in and a logout form with the CSRF token', async () => {
    const s = await signIn(t, { role: 'hamlet', hamletId: 'xom-3', name: 'Tổ Xóm Ba' });
    const html = await (await req('/staff', { headers: s.headers() })).text();
    expect(html).toContain('Xin chào Tổ Xóm Ba');
    expect(html).toContain('xóm/khối xom-3');
    expect(html).toContain(`name="_csrf" value="${s.csrfToken}"`);
    expect(html).not.toMatch(/<script|style=/i);
  });
});
