/**
 * Issue 17 item 2: accounts start without a password; their owner chooses
 * one through a link that works once and for 72 hours. `cli staff add`
 * prints that link, and it works against the console.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliContext } from '../../../src/cli/index.js';
import { runStaff } from '../../../src/cli/staff.js';
import { addStaffAccount, issueSetupToken } from '../../../src/staff/accounts.js';
import { fixedClock, memoryLogger, testConfig } from '../../helpers.js';
import { cookiesOf, formTokenIn, postLogin, signIn, staffConsoleOn, type StaffConsole } from '../../staffSession.js';
import { openTestRepos, type TestRepos, type TestReposDb } from '../../testRepos.js';

const NEW_PASSWORD = 'hoa sen nở giữa đầm 2026';

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
  t = staffConsoleOn(commune);
});

/** Opens the set-up page and posts the form as a browser would. */
async function setPassword(app: StaffConsole['app'], token: string, password: string, confirm = password) {
  const page = await app.request(`/staff/setup?token=${token}`);
  if (page.status !== 200) return page;
  const cookie = `hocvuso_staff_form=${cookiesOf(page).hocvuso_staff_form ?? ''}`;
  return app.request('/staff/setup', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: formTokenIn(await page.text()), token, password, confirm }).toString(),
  });
}

async function newAccount(id = 'lan') {
  const added = await addStaffAccount(
    t.store,
    { id, name: 'Nguyễn Thị Lan', role: 'admin' },
    { clock: t.clock, audit: t.audit },
  );
  if (!added) throw new Error('not added');
  return added;
}

describe('password set-up link', () => {
  it('shows the login name, sets the password once, and the link is spent', async () => {
    const { token } = await newAccount();
    const page = await t.app.request(`/staff/setup?token=${token}`);
    expect(page.status).toBe(200);
    // Never to another site; same-origin (not no-referrer) so the browser's form post keeps its Origin.
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    const html = await page.text();
    expect(html).toContain('<strong>lan</strong>');
    expect(html).not.toMatch(/<script|style=/i);
    // No password before set-up: nobody can sign in.
    expect((await postLogin(t.app, 'lan', NEW_PASSWORD)).status).toBe(401);

    const done = await setPassword(t.app, token, NEW_PASSWORD);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/staff/login?done=1');
    expect(await (await t.app.request('/staff/login?done=1')).text()).toContain('Đã lưu mật khẩu');
    expect((await postLogin(t.app, 'lan', NEW_PASSWORD)).status).toBe(303);
    const lines = await t.audit.recent(10);
    expect(lines.map((l) => l.action)).toEqual(
      expect.arrayContaining(['staff.account.add', 'staff.password.set', 'staff.login']),
    );
    expect(JSON.stringify(lines)).not.toContain(token);

    expect((await t.app.request(`/staff/setup?token=${token}`)).status).toBe(410);
    expect((await setPassword(t.app, token, 'mot mat khau khac nua')).status).toBe(410);
  });

  it('refuses a short, common or mismatched password and keeps the link usable', async () => {
    const { token } = await newAccount();
    const short = await setPassword(t.app, token, 'ngan');
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('ít nhất 10 ký tự');
    const common = await setPassword(t.app, token, '1234567890');
    expect(await common.text()).toContain('quá phổ biến');
    const mismatch = await setPassword(t.app, token, NEW_PASSWORD, `${NEW_PASSWORD}!`);
    expect(await mismatch.text()).toContain('không giống nhau');
    expect((await setPassword(t.app, token, NEW_PASSWORD)).status).toBe(303);
  });

  it('refuses a post without the form token of this browser', async () => {
    const { token } = await newAccount();
    const res = await t.app.request('/staff/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, password: NEW_PASSWORD, confirm: NEW_PASSWORD }).toString(),
    });
    expect(res.status).toBe(403);
    expect((await postLogin(t.app, 'lan', NEW_PASSWORD)).status).toBe(401);
  });

  it('expires after 72 hours', async () => {
    const { token } = await newAccount();
    t.clock.set('2026-12-04T07:59:00.000Z');
    expect((await t.app.request(`/staff/setup?token=${token}`)).status).toBe(200);
    t.clock.set('2026-12-04T08:00:01.000Z');
    expect((await t.app.request(`/staff/setup?token=${token}`)).status).toBe(410);
    expect((await setPassword(t.app, token, NEW_PASSWORD)).status).toBe(410);
  });

  it('a reset link replaces the password and ends the sessions made with the old one; the older link stops working', async () => {
    const s = await signIn(t, { role: 'admin', id: 'lan' });
    const first = (await issueSetupToken(t.store, 'lan', t.clock)) ?? '';
    const second = (await issueSetupToken(t.store, 'lan', t.clock)) ?? '';
    expect((await t.app.request(`/staff/setup?token=${first}`)).status).toBe(410);
    expect((await setPassword(t.app, second, NEW_PASSWORD)).status).toBe(303);
    expect((await t.app.request('/staff/api/me', { headers: s.headers() })).status).toBe(401);
    expect((await postLogin(t.app, 'lan', NEW_PASSWORD)).status).toBe(303);
  });

  it("a disabled account's link does not work, nor does a made-up one", async () => {
    const { token } = await newAccount();
    await t.store.disable('lan', t.clock.now());
    expect((await t.app.request(`/staff/setup?token=${token}`)).status).toBe(410);
    expect(await issueSetupToken(t.store, 'lan', t.clock)).toBeUndefined();
    expect((await t.app.request('/staff/setup?token=abc')).status).toBe(410);
    expect((await t.app.request('/staff/setup')).status).toBe(410);
  });
});

describe('cli staff', () => {
  /** `cli staff` on the case's commune: its database named as an install names it (DATABASE_PATH or DATABASE_URL). */
  function cli(overrides: Record<string, string> = {}) {
    let out = '';
    const stdout = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out += chunk.toString('utf8');
        cb();
      },
    });
    const ctx: CliContext = {
      config: testConfig({ ...commune.env, PORT: '8080', ...overrides }),
      logger: memoryLogger().logger,
      args: [],
      stdout,
    };
    const clock = fixedClock();
    return { run: (args: string[]) => runStaff(ctx, args, clock), out: () => out, ctx };
  }

  it('staff add prints a one-time link that lets the person set a password and sign in', async () => {
    const c = cli();
    expect(await c.run(['add', '--name', 'Nguyễn Thị Lan', '--role', 'admin'])).toBe(0);
    expect(c.out()).toContain('Tên đăng nhập: nguyen-thi-lan');
    const link = /http:\/\/localhost:8080(\/staff\/setup\?token=[A-Za-z0-9_-]{43})/.exec(c.out());
    expect(link).not.toBeNull();

    const app = staffConsoleOn(commune, { clock: fixedClock() });
    const page = await app.app.request(link?.[1] ?? '');
    expect(page.status).toBe(200);
    const token = new URL(`http://x${link?.[1] ?? ''}`).searchParams.get('token') ?? '';
    expect((await setPassword(app.app, token, NEW_PASSWORD)).status).toBe(303);
    expect((await postLogin(app.app, 'nguyen-thi-lan', NEW_PASSWORD)).status).toBe(303);

    expect(await c.run(['list'])).toBe(0);
    expect(c.out()).toContain('nguyen-thi-lan\tNguyễn Thị Lan\tquản trị viên xã\tđang dùng');
  });

  it('uses PUBLIC_BASE_URL for the link, makes distinct login names, disables and resets', async () => {
    const c = cli({ PUBLIC_BASE_URL: 'https://hocvuso.example.org/' });
    expect(await c.run(['add', '--name', 'Trần Văn Bình', '--role', 'hamlet', '--hamlet', 'xom-1'])).toBe(0);
    expect(await c.run(['add', '--name', 'Trần Văn Bình', '--role', 'hamlet', '--hamlet', 'xom-2'])).toBe(0);
    expect(c.out()).toMatch(/https:\/\/hocvuso\.example\.org\/staff\/setup\?token=/);
    expect(c.out()).toContain('Tên đăng nhập: tran-van-binh-2');
    expect(await c.run(['disable', '--id', 'tran-van-binh'])).toBe(0);
    expect(await c.run(['disable', '--id', 'tran-van-binh'])).toBe(1);
    expect(await c.run(['reset', '--id', 'tran-van-binh'])).toBe(1);
    expect(await c.run(['reset', '--id', 'tran-van-binh-2'])).toBe(0);
    expect(c.out()).toContain('Đường dẫn đặt lại mật khẩu cho tran-van-binh-2');
    expect(await c.run(['list', '--json'])).toBe(0);
    const rows = c
      .out()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { id: string; disabledAt?: string; hamletId?: string });
    expect(rows).toEqual([
      expect.objectContaining({ id: 'tran-van-binh', hamletId: 'xom-1', disabledAt: expect.any(String) as unknown }),
      expect.objectContaining({ id: 'tran-van-binh-2', hamletId: 'xom-2' }),
    ]);
  });

  it('staff add --role province makes an account without a hamlet, listed as the province', async () => {
    const c = cli();
    expect(await c.run(['add', '--name', 'Lê Văn Tỉnh', '--role', 'province'])).toBe(0);
    expect(c.out()).toContain('Tên đăng nhập: le-van-tinh');
    expect(await c.run(['list'])).toBe(0);
    expect(c.out()).toContain('le-van-tinh\tLê Văn Tỉnh\tcán bộ cấp tỉnh\tchưa đặt mật khẩu');
    expect(await c.run(['list', '--json'])).toBe(0);
    const row = c
      .out()
      .split('\n')
      .find((l) => l.startsWith('{'));
    expect(JSON.parse(row ?? '{}')).toEqual(expect.objectContaining({ id: 'le-van-tinh', role: 'province' }));
    expect(JSON.parse(row ?? '{}')).not.toHaveProperty('hamletId');
  });

  it('validates the arguments: hamlet needs --hamlet, admin forbids it, the role must be known', async () => {
    const c = cli();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const said = () => stderr.mock.calls.map((call) => String(call[0])).join('');
    expect(await c.run(['add', '--name', 'Tổ Xóm', '--role', 'hamlet'])).toBe(1);
    expect(said()).toContain('tài khoản --role hamlet cần --hamlet');
    expect(await c.run(['add', '--name', 'Quản trị', '--role', 'admin', '--hamlet', 'xom-1'])).toBe(1);
    expect(await c.run(['add', '--name', 'Ai đó', '--role', 'boss'])).toBe(1);
    expect(await c.run(['add', '--role', 'admin'])).toBe(1);
    expect(await c.run(['add', '--name', 'Ai đó', '--role', 'admin', '--id', 'Có Dấu'])).toBe(1);
    expect(await c.run(['disable'])).toBe(1);
    expect(said()).toContain('thiếu --id');
    expect(said()).toContain('tài khoản --role admin xem cả xã, không dùng --hamlet');
    expect(said()).toContain('--role phải là admin, hamlet hoặc province');
    expect(await c.run(['add', '--name', 'Sở Khoa học', '--role', 'province', '--hamlet', 'xom-1'])).toBe(1);
    expect(said()).toContain('tài khoản --role province xem các xã trong tỉnh, không dùng --hamlet');
    expect(said()).toContain('thiếu --name');
    expect(await c.run(['add', '--name', 'Ai đó', '--role', 'admin', '--bogus'])).toBe(1);
    expect(await c.run(['list'])).toBe(0);
    expect(c.out()).toContain('Chưa có tài khoản nào');
    stderr.mockRestore();
  });
});
