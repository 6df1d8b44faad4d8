/**
 * The settings module through Hono in process: a test front door sets the
 * principal (admin or a hamlet team member) and the CSRF token, as the real
 * one does after checking the session. Forms, JSON, the CSV upload as
 * multipart, the template, the YAML export, the audit log, and the rule that
 * a used hamlet id never changes. On SQLite or PostgreSQL: the module runs
 * over the chosen database's repositories (test/testRepos.ts).
 */
import { addStaffAccount } from '../../src/staff/accounts.js';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openLiveCommune, type LiveCommune } from '../../src/content/liveCommune.js';
import { DEFAULT_COMMUNE, parseCommune } from '../../src/content/loadCommune.js';
import { createSettingsModule } from '../../src/staff/settingsModule.js';
import type { AuditEntry, StaffEnv, StaffPrincipal } from '../../src/staff/types.js';
import { fixedClock } from '../helpers.js';
import { openTestRepos, type TestRepos, type TestReposDb } from '../testRepos.js';

const ADMIN: StaffPrincipal = { id: 'admin-1', name: 'Quản trị', role: 'admin' };
const TEAM_2: StaffPrincipal = { id: 'team-2', name: 'Tổ xóm 2', role: 'hamlet', hamletId: 'xom-2' };
const CSRF = 'csrf-token-for-test';

const FILE = {
  ...DEFAULT_COMMUNE,
  hamlets: [
    { id: 'xom-1', name: 'Xóm 1' },
    { id: 'xom-2', name: 'Xóm 2' },
  ],
};

let database: TestReposDb;
let repos: TestRepos;
let settings: TestRepos['settings'];
let population: TestRepos['population'];
let commune: LiveCommune;
let audit: AuditEntry[];

beforeAll(async () => {
  database = await openTestRepos();
});

afterAll(async () => {
  await database?.close();
});

// Each case on an empty commune.
beforeEach(async () => {
  repos = await database.fresh();
  settings = repos.settings;
  population = repos.population;
  commune = await openLiveCommune(FILE, settings);
  audit = [];
});

function appFor(principal: StaffPrincipal): Hono {
  const staff = new Hono<StaffEnv>();
  staff.use('*', async (c, next) => {
    c.set('staff', principal);
    c.set('csrfToken', CSRF);
    // The real front door reads a form's `_csrf` field first (Hono keeps the parsed body).
    const type = c.req.header('content-type') ?? '';
    if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
      expect((await c.req.parseBody())._csrf).toBe(CSRF);
    }
    await next();
  });
  createSettingsModule({
    commune,
    settings,
    population,
    audit: { record: (e) => void audit.push(e) },
    clock: fixedClock(),
  })(staff);
  const app = new Hono();
  app.route('/staff', staff);
  return app;
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ _csrf: CSRF, ...fields }).toString(),
});

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function upload(text: string | Uint8Array, name = 'dan-so.csv'): RequestInit {
  const data = new FormData();
  data.set('_csrf', CSRF);
  data.set('file', new File([text], name, { type: 'text/csv' }));
  return { method: 'POST', body: data };
}

/** A resident whose profile names the hamlet: from then on its id is permanent. */
async function residentOf(hamlet: string): Promise<void> {
  const citizens = repos.citizens();
  const c = await citizens.ensure({ channel: 'web', userId: `u-${hamlet}` }, `c-${hamlet}`, new Date());
  await citizens.update(c.id, { profile: { hamlet } }, new Date());
}

/** The page without the console's navigation bar (whose sign-out form is on every page). */
function withoutNav(page: string): string {
  return page.replace(/<nav class="console-nav"[\s\S]*?<\/nav>/, '');
}

describe('GET /staff/settings', () => {
  it('shows an admin the three sections with forms carrying the CSRF token, and nothing inline for the CSP', async () => {
    const res = await appFor(ADMIN).request('/staff/settings');
    expect(res.status).toBe(200);
    const page = await res.text();
    for (const heading of ['Danh sách xóm/khối', 'Thông tin liên hệ', 'Dân số theo xóm/khối và nhóm đối tượng']) {
      expect(page).toContain(heading);
    }
    // The settings' own forms; the console's navigation bar adds the sign-out form.
    const own = withoutNav(page);
    expect(own.match(/<form /g)).toHaveLength(4);
    expect(own.match(new RegExp(`name="_csrf" value="${CSRF}"`, 'g'))).toHaveLength(4);
    expect(page).toContain('<a href="/staff/settings" aria-current="page">Cài đặt xã</a>');
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(page).not.toMatch(/\sstyle=|<style/);
    expect(page).toContain('href="/staff/settings/settings.css"');
  });

  it('serves its stylesheet and script as files', async () => {
    const app = appFor(ADMIN);
    const css = await app.request('/staff/settings/settings.css');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const js = await app.request('/staff/settings/settings.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toContain('data-add-row');
  });

  it('shows a hamlet team member no form and only their own hamlet’s figures', async () => {
    await population.save(
      {
        population: [
          { hamletId: 'xom-1', groupId: 'nguoi-dan', people: 1111 },
          { hamletId: 'xom-2', groupId: 'nguoi-dan', people: 2222 },
        ],
        certified: [],
      },
      'a',
      new Date(),
    );
    const page = await (await appFor(TEAM_2).request('/staff/settings')).text();
    expect(withoutNav(page)).not.toContain('<form');
    expect(page).toContain('2.222');
    expect(page).not.toContain('1.111');
  });

  it('escapes what staff typed', async () => {
    await settings.saveHamlets([{ id: 'xom-1', name: '<b>Xóm</b> "1"' }], ['xom-2'], 'a', new Date());
    await commune.reload();
    const page = await (await appFor(ADMIN).request('/staff/settings')).text();
    expect(page).toContain('&lt;b&gt;Xóm&lt;/b&gt;');
    expect(page).not.toContain('<b>Xóm</b>');
  });
});

describe('changes are for admins only', () => {
  it.each([
    ['/staff/settings/hamlets', form({ 'h.0.id': 'xom-9', 'h.0.name': 'Xóm 9' })],
    ['/staff/settings/contacts', form({ 'office.phone': '0238 3000 001' })],
    ['/staff/settings/population', form({ 'p.xom-2.nguoi-dan': '5' })],
    ['/staff/settings/population.csv', upload('Mã xóm/khối,nguoi-dan\nxom-2,5\n')],
  ])('a hamlet team member gets 403 from POST %s and nothing changes', async (path, init) => {
    const res = await appFor(TEAM_2).request(path, init);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Chỉ quản trị viên của xã được thay đổi cài đặt');
    expect(await settings.revision()).toBe(0);
    expect(await population.population()).toEqual([]);
    expect(audit).toEqual([]);
  });

  it('answers a script with JSON 403', async () => {
    const res = await appFor(TEAM_2).request('/staff/settings/hamlets', json({ hamlets: [] }));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ ok: false, errors: [expect.stringContaining('Chỉ quản trị viên')] });
  });
});

describe('POST /staff/settings/hamlets', () => {
  it('saves the list from the form, reloads the live commune and audits old → new', async () => {
    const res = await appFor(ADMIN).request(
      '/staff/settings/hamlets',
      form({
        'h.0.id': 'xom-1',
        'h.0.name': 'Xóm Đông',
        'h.0.previous': 'xom-1',
        'h.1.id': 'xom-2',
        'h.1.name': 'Xóm 2',
        'h.1.previous': 'xom-2',
        'h.2.id': 'khoi-3',
        'h.2.name': 'Khối 3',
        'h.3.id': '',
        'h.3.name': '',
      }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/settings?saved=hamlets#hamlets');
    expect(commune.hamlets).toEqual([
      { id: 'xom-1', name: 'Xóm Đông' },
      { id: 'xom-2', name: 'Xóm 2' },
      { id: 'khoi-3', name: 'Khối 3' },
    ]);
    expect(audit).toEqual([
      {
        actorId: 'admin-1',
        action: 'settings.hamlets',
        target: 'hamlets',
        details: { before: FILE.hamlets, after: commune.hamlets },
      },
    ]);
    const page = await (await appFor(ADMIN).request('/staff/settings?saved=hamlets')).text();
    expect(page).toContain('Đã lưu danh sách xóm/khối');
  });

  it('refuses a wrong row in Vietnamese, keeps what was typed, and saves nothing', async () => {
    const res = await appFor(ADMIN).request(
      '/staff/settings/hamlets',
      form({ 'h.0.id': 'Xóm 1', 'h.0.name': 'Xóm Một', 'h.0.previous': 'xom-1' }),
    );
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('Danh sách xóm/khối #1: mã: chỉ gồm chữ thường không dấu');
    expect(page).toContain('value="Xóm Một"');
    expect(await settings.revision()).toBe(0);
    expect(audit).toEqual([]);
  });

  it('lets a used hamlet be renamed but not have its id changed or be removed (409, in Vietnamese)', async () => {
    await residentOf('xom-1');
    const app = appFor(ADMIN);
    const changed = await app.request(
      '/staff/settings/hamlets',
      json({
        hamlets: [
          { id: 'xom-01', name: 'Xóm 1', previousId: 'xom-1' },
          { id: 'xom-2', name: 'Xóm 2', previousId: 'xom-2' },
        ],
      }),
    );
    expect(changed.status).toBe(409);
    expect(await changed.json()).toEqual({
      ok: false,
      errors: [
        'Không đổi được mã của xóm/khối "Xóm 1" từ "xom-1" thành "xom-01": mã này đã được dùng (1 hồ sơ người dân). ' +
          'Số liệu được lưu theo mã, nên đổi hay xóa mã sẽ tách số liệu cũ khỏi xóm/khối. ' +
          'Anh/chị chỉ có thể sửa tên hiển thị của xóm/khối này.',
      ],
    });
    const removed = await app.request(
      '/staff/settings/hamlets',
      form({ 'h.0.id': 'xom-2', 'h.0.name': 'Xóm 2', 'h.0.previous': 'xom-2' }),
    );
    expect(removed.status).toBe(409);
    expect(await removed.text()).toContain('Không xóa được xóm/khối &quot;Xóm 1&quot; (mã xom-1)');
    expect(commune.hamlets).toEqual(FILE.hamlets);

    // An unused hamlet may go, and the used one may take a new display name.
    const renamed = await app.request(
      '/staff/settings/hamlets',
      json({ hamlets: [{ id: 'xom-1', name: 'Xóm Đông', previousId: 'xom-1' }] }),
    );
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toEqual({ ok: true, hamlets: [{ id: 'xom-1', name: 'Xóm Đông' }] });
    expect(commune.hamlets).toEqual([{ id: 'xom-1', name: 'Xóm Đông' }]);
  });

  it('counts population rows and staff accounts as uses too', async () => {
    await population.save({ population: [], certified: [{ hamletId: 'xom-2', certified: 3 }] }, 'a', new Date());
    await addStaffAccount(
      repos.staff,
      { id: 'team-1', name: 'Tổ xóm 1', role: 'hamlet', hamletId: 'xom-1' },
      { clock: { now: () => new Date() } },
    );
    const res = await appFor(ADMIN).request('/staff/settings/hamlets', json({ hamlets: [] }));
    expect(res.status).toBe(409);
    const { errors } = (await res.json()) as { errors: string[] };
    expect(errors).toEqual([
      expect.stringContaining('"Xóm 1" (mã xom-1): mã này đã được dùng (1 tài khoản cán bộ)'),
      expect.stringContaining('"Xóm 2" (mã xom-2): mã này đã được dùng (số liệu dân số'),
    ]);
  });

  it('marks a used id read-only on the page', async () => {
    await residentOf('xom-2');
    const page = await (await appFor(ADMIN).request('/staff/settings')).text();
    expect(page).toMatch(/name="h\.1\.id"\s+value="xom-2"[^>]*readonly/);
    expect(page).not.toMatch(/name="h\.0\.id"\s+value="xom-1"[^>]*readonly/);
  });
});

describe('POST /staff/settings/contacts', () => {
  it('refuses a phone number that is not Vietnamese, naming it', async () => {
    const res = await appFor(ADMIN).request('/staff/settings/contacts', form({ 'office.phone': '12345' }));
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('Thông tin liên hệ.office: phone: &quot;12345&quot; không giống số điện thoại Việt Nam');
    expect(page).toContain('value="12345"');
    expect(await settings.revision()).toBe(0);
  });

  it('saves office, police and hamlet teams; the live commune has them; the audit names no team member', async () => {
    const res = await appFor(ADMIN).request(
      '/staff/settings/contacts',
      form({
        'office.address': 'Trụ sở UBND xã',
        'office.hours': 'Sáng 7:30–11:30, chiều 13:30–17:00',
        'office.phone': '0238 3000 001',
        'police.phone': '0912 345 678',
        'team.xom-2.name': 'Chị Lan',
        'team.xom-2.phone': '0987 654 321',
        'team.xom-1.name': '',
      }),
    );
    expect(res.status).toBe(303);
    expect(commune.contacts).toEqual({
      office: {
        address: 'Trụ sở UBND xã',
        hours: 'Sáng 7:30–11:30, chiều 13:30–17:00',
        phone: '0238 3000 001',
      },
      police: { phone: '0912 345 678' },
      digitalTeams: [{ hamlet: 'xom-2', hamletName: 'Xóm 2', name: 'Chị Lan', phone: '0987 654 321' }],
    });
    expect(audit).toEqual([
      {
        actorId: 'admin-1',
        action: 'settings.contacts',
        target: 'contacts',
        details: {
          office: { before: null, after: commune.contacts?.office },
          police: { before: null, after: { phone: '0912 345 678' } },
          digitalTeamsChanged: ['xom-2'],
        },
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain('Chị Lan');
  });
});

describe('POST /staff/settings/population (the typed grid)', () => {
  it('saves the cells, clears blank ones, and audits each change', async () => {
    await population.save(
      { population: [{ hamletId: 'xom-2', groupId: 'khac', people: 9 }], certified: [] },
      'a',
      new Date(),
    );
    const res = await appFor(ADMIN).request(
      '/staff/settings/population',
      form({ 'p.xom-1.nguoi-dan': '1200', 'p.xom-2.khac': '', 'c.xom-1': '300' }),
    );
    expect(res.status).toBe(303);
    expect(await population.population()).toEqual([{ hamletId: 'xom-1', groupId: 'nguoi-dan', people: 1200 }]);
    expect(await population.vneidCertified()).toEqual([{ hamletId: 'xom-1', certified: 300 }]);
    expect(audit).toEqual([
      {
        actorId: 'admin-1',
        action: 'population.update',
        target: 'grid',
        details: {
          changes: [
            { hamletId: 'xom-1', groupId: 'nguoi-dan', before: null, after: 1200 },
            { hamletId: 'xom-2', groupId: 'khac', before: 9, after: null },
            { hamletId: 'xom-1', before: null, after: 300 },
          ],
        },
      },
    ]);
  });

  it('refuses the whole grid when one cell is wrong', async () => {
    const res = await appFor(ADMIN).request(
      '/staff/settings/population',
      form({ 'p.xom-1.nguoi-dan': '1200', 'p.xom-2.nguoi-dan': '-3' }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(
      'Xóm 2, cột &quot;Người dân trong độ tuổi trưởng thành&quot;: &quot;-3&quot; phải là số nguyên',
    );
    expect(await population.population()).toEqual([]);
  });

  it('takes JSON from a script, checking the ids', async () => {
    const bad = await appFor(ADMIN).request(
      '/staff/settings/population',
      json({ population: [{ hamletId: 'xom-9', groupId: 'nguoi-dan', people: 5 }] }),
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ ok: false, errors: ['population #1: không có xóm/khối mã "xom-9"'] });
    const good = await appFor(ADMIN).request(
      '/staff/settings/population',
      json({ population: [{ hamletId: 'xom-2', groupId: 'nguoi-dan', people: 5 }], certified: [] }),
    );
    expect(await good.json()).toEqual({ ok: true, changed: 1 });
  });
});

describe('POST /staff/settings/population.csv (upload)', () => {
  const GOOD =
    '\uFEFFMã xóm/khối;Tên xóm/khối;Người dân trong độ tuổi trưởng thành;Học sinh, sinh viên;Người đã được xác nhận trên VNeID\r\n' +
    'xom-1;Xóm 1;1200;300;450\r\nxom-2;Xóm 2;800;;\r\n';

  it('imports a BOM + ";" file sent as multipart and says per hamlet what was imported', async () => {
    const res = await appFor(ADMIN).request('/staff/settings/population.csv', upload(GOOD));
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Đã nhập số liệu từ tệp:');
    expect(page).toContain('Xóm 1 (xom-1): 1.500 người trong 2 nhóm đối tượng; 450 người đã xác nhận trên VNeID');
    expect(await population.population()).toEqual([
      { hamletId: 'xom-1', groupId: 'hoc-sinh-sinh-vien', people: 300 },
      { hamletId: 'xom-1', groupId: 'nguoi-dan', people: 1200 },
      { hamletId: 'xom-2', groupId: 'nguoi-dan', people: 800 },
    ]);
    expect(audit.map((e) => [e.action, e.target])).toEqual([['population.import', 'upload']]);
  });

  it('saves nothing from a file with a wrong row, listing each by line', async () => {
    const text = 'Mã xóm/khối,nguoi-dan\nxom-1,10\nxom-1,12\nxom-3,4\n';
    const res = await appFor(ADMIN).request('/staff/settings/population.csv', upload(text));
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('Tệp chưa được lưu vì có chỗ sai:');
    expect(page).toContain('dòng 3: xóm/khối &quot;Xóm 1&quot; (mã xom-1) đã có ở dòng 2');
    expect(page).toContain('dòng 4: không có xóm/khối mã &quot;xom-3&quot;');
    expect(await population.population()).toEqual([]);
    expect(audit).toEqual([]);
  });

  it('refuses a wrong header with the template’s columns', async () => {
    const res = await appFor(ADMIN).request('/staff/settings/population.csv', upload('Xóm,Số người\nxom-1,5\n'));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('dòng 1 (tiêu đề): cột &quot;Xóm&quot; không có trong mẫu');
  });

  it('takes a raw CSV body from a script and answers JSON', async () => {
    const app = appFor(ADMIN);
    const init = (text: string): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8' },
      body: text,
    });
    const bad = await app.request('/staff/settings/population.csv', init('Mã xóm/khối,khac\nxom-1,1.5\n'));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      ok: false,
      errors: [
        'dòng 2, cột "Khác": "1.5" phải là số nguyên từ 0 trở lên, viết liền không dấu chấm, dấu phẩy, ví dụ 1250',
      ],
    });
    const good = await app.request('/staff/settings/population.csv', init('Mã xóm/khối,khac\nxom-1,15\n'));
    expect(await good.json()).toEqual({
      ok: true,
      imported: ['Xóm 1 (xom-1): 15 người trong 1 nhóm đối tượng'],
      changed: 1,
    });
  });

  it('refuses a file that is too large with 413', async () => {
    const res = await appFor(ADMIN).request('/staff/settings/population.csv', upload('x'.repeat(300 * 1024)));
    expect(res.status).toBe(413);
    expect(await population.population()).toEqual([]);
  });

  it('asks for a file when none was chosen', async () => {
    const data = new FormData();
    data.set('_csrf', CSRF);
    const res = await appFor(ADMIN).request('/staff/settings/population.csv', { method: 'POST', body: data });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Chưa chọn tệp CSV để tải lên.');
  });
});

describe('GET /staff/settings/population-template.csv', () => {
  it('gives the admin every hamlet with the figures entered, as Excel reads it; audited', async () => {
    await population.save(
      { population: [{ hamletId: 'xom-2', groupId: 'khac', people: 7 }], certified: [] },
      'a',
      new Date(),
    );
    const res = await appFor(ADMIN).request('/staff/settings/population-template.csv');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const body = new Uint8Array(await res.arrayBuffer());
    expect([...body.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(body);
    const lines = text.split('\r\n');
    // TextDecoder drops the BOM checked above.
    expect(lines[0]).toBe(
      'Mã xóm/khối,Tên xóm/khối,"Cán bộ, công chức, viên chức và người lao động","Học sinh, sinh viên",' +
        'Người dân trong độ tuổi trưởng thành,"Người lao động trong doanh nghiệp, hợp tác xã",Khác,' +
        'Người đã được xác nhận trên VNeID',
    );
    expect(lines.slice(1, 3)).toEqual(['xom-1,Xóm 1,,,,,,', 'xom-2,Xóm 2,,,,,7,']);
    expect(audit).toEqual([
      { actorId: 'admin-1', action: 'population.template', target: 'csv', details: { hamlets: 2 } },
    ]);
  });

  it('gives a hamlet team member only their hamlet', async () => {
    const text = await (await appFor(TEAM_2).request('/staff/settings/population-template.csv')).text();
    expect(text.split('\r\n').filter((l) => l !== '')).toHaveLength(2);
    expect(text).toContain('xom-2,Xóm 2');
    expect(text).not.toContain('xom-1');
  });
});

describe('GET /staff/api/settings.yaml', () => {
  it('exports the settings in force as a commune.yaml that parses back to the same commune; audited', async () => {
    const app = appFor(ADMIN);
    await app.request(
      '/staff/settings/contacts',
      form({ 'office.phone': '0238 3000 001', 'team.xom-1.phone': '0912 345 678' }),
    );
    const res = await app.request('/staff/api/settings.yaml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
    const parsed = parseCommune(new Uint8Array(await res.arrayBuffer()));
    expect(parsed.problems).toEqual([]);
    expect(parsed.commune).toEqual(commune.snapshot());
    expect(audit.at(-1)).toEqual({ actorId: 'admin-1', action: 'settings.export', target: 'yaml' });
  });
});
