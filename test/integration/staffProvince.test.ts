/**
 * The province view over HTTP (issue 20 item 5), on SQLite or PostgreSQL
 * (test/testRepos.ts): one database holding two communes' residents,
 * passes and population (SQLite: one file; PostgreSQL: two `communes` rows),
 * written through the real repositories under two commune ids. A province
 * account sees both communes side by side, each against its own targets,
 * and exports the same table; a commune's admin and hamlet team are refused
 * the page and its exports, and the province is refused every commune page.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMMUNE, type CommuneConfig } from '../../src/content/loadCommune.js';
import { createPasswordModule } from '../../src/staff/passwordModule.js';
import { createProvinceModule } from '../../src/staff/provinceModule.js';
import { createReportsModule } from '../../src/staff/reportsModule.js';
import { createDashboardModule } from '../../src/staff/dashboardModule.js';
import { fixedClock } from '../helpers.js';
import { signIn, staffConsole, type StaffConsole, type StaffSession } from '../staffSession.js';
import { openTestRepos, type TestRepos, type TestReposDb } from '../testRepos.js';

const OTHER = 'binh-minh';
const CORE = ['q1', 'q2'];
/** Wednesday 9 December 2026, 12:00 in Viet Nam: "this week" began on Monday 7 December. */
const NOW = '2026-12-09T05:00:00.000Z';

/** The install's own commune: its 2026 target for adults is 90%, not the plan's 100%. */
const HOME_COMMUNE: CommuneConfig = {
  ...DEFAULT_COMMUNE,
  name: 'Xã Hùng Châu',
  hamlets: [{ id: 'xom-1', name: 'Xóm 1' }],
  targets: DEFAULT_COMMUNE.targets.map((t) =>
    t.year === 2026 ? { ...t, groups: { ...t.groups, 'nguoi-dan': 90 } } : t,
  ),
  coreQuizzes: CORE,
};

/** A resident of `commune` in a hamlet and group, passing `quizzes` at `at`, through the real repositories. */
async function resident(
  commune: TestRepos,
  id: string,
  hamlet: string,
  group: string,
  passes: [string, string][],
): Promise<void> {
  const citizens = commune.citizens({ coreQuizzes: CORE });
  const attempts = commune.attempts;
  const first = passes[0]?.[1] ?? NOW;
  await citizens.ensure({ channel: 'web', userId: `${commune.communeId}-${id}` }, id, new Date(first));
  await citizens.update(id, { consent: 'given', profile: { hamlet, group } }, new Date(first));
  for (const [quizId, at] of passes) {
    const attempt = {
      id: `${id}-${quizId}`,
      citizenId: id,
      quizId,
      quizVersion: 'v1',
      status: 'active' as const,
      current: 0,
      correct: 0,
      order: [[0, 1]],
      answers: [],
      startedAt: at,
    };
    expect(await attempts.start(attempt)).toBe(true);
    const done = { ...attempt, status: 'finished' as const, current: 1, correct: 1, answers: [0] };
    const finished = { ...done, finishedAt: at, score: 1, passed: true };
    const completion = { citizenId: id, quizId, attemptId: attempt.id, score: 1, passed: true, at, coreQuizzes: CORE };
    expect(await attempts.commit(finished, 0, completion)).toBe(true);
  }
}

async function population(
  commune: TestRepos,
  cells: { hamletId: string; groupId: string; people: number }[],
): Promise<void> {
  await commune.population.save({ population: cells, certified: [] }, 'test', new Date(NOW));
}

describe('staff console: the province page (Toàn tỉnh)', () => {
  let database: TestReposDb;
  let home: TestRepos;
  let t: StaffConsole;
  let province: StaffSession;
  let admin: StaffSession;
  let hamlet: StaffSession;

  beforeAll(async () => {
    database = await openTestRepos();
    home = await database.fresh();
    const other = await home.another(OTHER, 'Xã Bình Minh');
    // Known to the install but with nothing behind it: not a row of zeros on the province page.
    await home.another('xa-trong', 'Xã Trống');

    // Hùng Châu: two adults completed (one this week), 4 adults in xom-1.
    await resident(home, 'h1', 'xom-1', 'nguoi-dan', [
      ['q1', '2026-12-08T02:00:00.000Z'],
      ['q2', '2026-12-08T03:00:00.000Z'],
    ]);
    await resident(home, 'h2', 'xom-1', 'nguoi-dan', [
      ['q1', '2026-11-20T02:00:00.000Z'],
      ['q2', '2026-11-20T03:00:00.000Z'],
    ]);
    await population(home, [{ hamletId: 'xom-1', groupId: 'nguoi-dan', people: 4 }]);

    // Bình Minh: one pupil completed on Monday morning (local), one adult passed one quiz; 1 pupil, 10 adults.
    await other.settings.saveHamlets([{ id: 'thon-1', name: 'Thôn 1' }], [], 'test', new Date(NOW));
    await resident(other, 'b1', 'thon-1', 'hoc-sinh-sinh-vien', [
      ['q1', '2026-12-07T01:00:00.000Z'],
      ['q2', '2026-12-07T01:30:00.000Z'],
    ]);
    await resident(other, 'b2', 'thon-1', 'nguoi-dan', [['q1', '2026-12-08T09:00:00.000Z']]);
    await population(other, [
      { hamletId: 'thon-1', groupId: 'hoc-sinh-sinh-vien', people: 1 },
      { hamletId: 'thon-1', groupId: 'nguoi-dan', people: 10 },
    ]);

    const clock = fixedClock(NOW);
    const audit = home.audit(clock);
    t = staffConsole({
      store: home.staff,
      audit,
      clock,
      modules: [
        createDashboardModule({ commune: () => HOME_COMMUNE, clock }),
        createReportsModule({
          reports: home.reports(),
          population: home.population,
          commune: () => HOME_COMMUNE,
          quizzes: () => [],
          clock,
          audit,
        }),
        createProvinceModule({ province: home.province(() => HOME_COMMUNE, clock), audit }),
        createPasswordModule({ store: home.staff, audit, clock }),
      ],
    });
    province = await signIn(t, { role: 'province', name: 'Cán Bộ Tỉnh', id: 'tinh' });
    admin = await signIn(t, { role: 'admin', id: 'quan-tri' });
    hamlet = await signIn(t, { role: 'hamlet', hamletId: 'xom-1', id: 'xom-mot' });
  });

  afterAll(async () => {
    await database?.close();
  });

  const get = (path: string, who?: StaffSession) =>
    t.app.request(`/staff${path}`, { headers: who ? who.headers() : {} });

  /** The text of each cell of the page's table, row by row (tags dropped, spaces squeezed). */
  function tableRows(page: string): string[][] {
    const table = /<table class="province">([\s\S]*?)<\/table>/.exec(page)?.[1] ?? '';
    return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
      [...(row[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
        (cell[1] ?? '')
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      ),
    );
  }

  it('shows every commune with data side by side, sorted by name, each against its own targets', async () => {
    const res = await get('/tinh?year=2026', province);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).not.toMatch(/<script(?![^>]*src=)/);
    expect(page).not.toMatch(/style="/);
    expect(page).toContain('<link rel="stylesheet" href="/staff/tinh/tinh.css"');
    const text = page.replace(/\s+/g, ' ');
    expect(text).toContain('tính từ thứ Hai 07/12/2026');
    expect(text).toContain('Số liệu lúc 12:00 ngày 09/12/2026.');
    const rows = tableRows(page);
    expect(rows[0]).toEqual(['Xã/phường', 'Mục a', 'Mục b', 'Mục c', 'Mục d', 'Mục đ', 'Lượt đạt tuần này']);
    // Bình Minh before Hùng Châu (Vietnamese order); Xã Trống has nothing and is not listed.
    expect(rows.map((r) => r[0])).toEqual(['Xã/phường', 'Xã Bình Minh', 'Xã Hùng Châu', 'Tổng cộng']);
    expect(page).not.toContain('Xã Trống');
    const [, binhMinh = [], hungChau = [], total = []] = rows;
    expect(binhMinh).toEqual([
      'Xã Bình Minh',
      '0 chưa có số dân Mục tiêu 100%: chưa rõ',
      '1 / 1 100,0% Mục tiêu 100%: Đạt',
      '0 / 10 0,0% Mục tiêu 100%: Chưa đạt',
      '0 chưa có số dân Mục tiêu trên 60%: chưa rõ',
      '0 chưa có số dân Mục tiêu 100%: chưa rõ',
      '3',
    ]);
    // Hùng Châu's own target for adults is 90%.
    expect(hungChau[3]).toBe('2 / 4 50,0% Mục tiêu 90%: Chưa đạt');
    expect(hungChau[2]).toBe('0 chưa có số dân Mục tiêu 100%: chưa rõ');
    expect(hungChau[6]).toBe('2');
    // Totals: counts add up; a population only where every commune entered it; no target.
    expect(total[2]).toBe('1 chưa có số dân');
    expect(total[3]).toBe('2 / 14 14,3%');
    expect(total[6]).toBe('5');
  });

  it('uses the 2025 targets when asked, and refuses a year the plan has no targets for', async () => {
    const page = await (await get('/tinh?year=2025', province)).text();
    expect(tableRows(page)[2]?.[3]).toBe('2 / 4 50,0% Mục tiêu 80%: Chưa đạt');
    const bad = await get('/tinh?year=2030', province);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Tham số &quot;year&quot; phải là năm có mục tiêu');
    expect((await get('/tinh?hamlet=xom-1', province)).status).toBe(400);
  });

  it('exports the same table as CSV, audited', async () => {
    const before = (await t.audit.recent(100)).length;
    const res = await get('/tinh.csv?year=2026', province);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="tien-do-toan-tinh-2026-2026-12-09.csv"');
    const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Tiến độ Bình dân học vụ số - Toàn tỉnh');
    const header = lines.find((l) => l.startsWith('Xã/phường;'))?.split(';') ?? [];
    expect(header.slice(0, 6)).toEqual([
      'Xã/phường',
      'a: Số người hoàn thành',
      'a: Dân số',
      'a: Tỷ lệ',
      'a: Mục tiêu',
      'a: Đánh giá',
    ]);
    const row = (name: string) => lines.find((l) => l.startsWith(`${name};`))?.split(';') ?? [];
    const c = header.indexOf('c: Số người hoàn thành');
    expect(row('Xã Hùng Châu').slice(c, c + 5)).toEqual(['2', '4', '50,0%', '90%', 'Chưa đạt']);
    expect(row('Xã Bình Minh').slice(c, c + 5)).toEqual(['0', '10', '0,0%', '100%', 'Chưa đạt']);
    expect(row('Xã Bình Minh').slice(1, 4)).toEqual(['0', 'chưa có số dân', '']);
    expect(row('Tổng cộng').slice(c, c + 3)).toEqual(['2', '14', '14,3%']);
    expect(row('Xã Hùng Châu').at(-1)).toBe(home.communeId);
    const weekly = header.findIndex((h) => h.startsWith('Lượt đạt bài kiểm tra tuần này'));
    expect([row('Xã Bình Minh')[weekly], row('Xã Hùng Châu')[weekly], row('Tổng cộng')[weekly]]).toEqual([
      '3',
      '2',
      '5',
    ]);
    const lines2 = await t.audit.recent(100);
    expect(lines2.length).toBe(before + 1);
    expect(lines2[0]).toMatchObject({
      actorId: 'tinh',
      action: 'province.export',
      target: 'csv',
      details: { year: 2026, communes: 2, separator: 'semicolon' },
    });
  });

  it('exports the same table as XLSX, with numbers as numbers, audited', async () => {
    const res = await get('/tinh.xlsx?year=2026', province);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="tien-do-toan-tinh-2026-2026-12-09.xlsx"',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    expect(book.worksheets.map((w) => w.name)).toEqual(['Toàn tỉnh', 'Chỉ tiêu']);
    const sheet = book.getWorksheet('Toàn tỉnh');
    const values = (r: number): unknown[] => {
      const row = sheet?.getRow(r);
      return Array.from({ length: 28 }, (_, i) => row?.getCell(i + 1).value ?? null);
    };
    expect(values(2)[0]).toBe('Xã Bình Minh');
    expect(values(3)[0]).toBe('Xã Hùng Châu');
    // Columns: name, then a (2–6), b (7–11), c (12–16): completed, population, share, target, met.
    expect(values(3).slice(11, 16)).toEqual([2, 4, 0.5, '90%', 'Chưa đạt']);
    expect(values(2).slice(6, 11)).toEqual([1, 1, 1, '100%', 'Đạt']);
    expect(values(2).slice(1, 4)).toEqual([0, 'chưa có số dân', null]);
    expect(values(4)[0]).toBe('Tổng cộng');
    expect(values(4)[26]).toBe(5);
    expect(book.getWorksheet('Chỉ tiêu')?.getRow(2).getCell(1).value).toBe('a');
    expect((await t.audit.recent(1))[0]).toMatchObject({ actorId: 'tinh', action: 'province.export', target: 'xlsx' });
  });

  it('refuses the page and its exports to a commune admin and a hamlet team (403), and writes no audit line', async () => {
    const before = (await t.audit.recent(100)).length;
    for (const who of [admin, hamlet]) {
      for (const path of ['/tinh', '/tinh?year=2026', '/tinh.csv', '/tinh.xlsx']) {
        const res = await get(path, who);
        expect(res.status, `${who.accountId} ${path}`).toBe(403);
        const body = await res.text();
        expect(body).not.toContain('Bình Minh');
      }
    }
    expect((await t.audit.recent(100)).length).toBe(before);
    // Their own navigation offers no province link.
    const dash = await (await get('', admin)).text();
    expect(dash).not.toContain('/staff/tinh');
  });

  it('sends an unauthenticated visitor to the login page (page) and refuses a cross-site or tokenless post', async () => {
    const page = await get('/tinh');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/staff/login');
    expect((await get('/tinh.csv')).status).toBe(302);
    // The page has no state-changing route; a post without the token is stopped at the front door.
    const tokenless = await t.app.request('/staff/tinh', { method: 'POST', headers: { cookie: province.cookie } });
    expect(tokenless.status).toBe(403);
    const crossSite = await t.app.request('/staff/tinh', {
      method: 'POST',
      headers: { ...province.headers(), origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
  });

  it("keeps the province out of every commune's own pages, and leads it from the landing page to its own", async () => {
    const landing = await get('', province);
    expect(landing.status).toBe(302);
    expect(landing.headers.get('location')).toBe('/staff/tinh');
    for (const path of ['/api/report', '/api/report.csv', '/settings', '/hoi-dap', '/learning', '/account/link']) {
      const res = await get(path, province);
      expect(res.status, path).toBe(403);
    }
    const password = await get('/account/password', province);
    expect(password.status).toBe(200);
    expect(await password.text()).toContain('<a href="/staff/tinh">Quay lại trang Toàn tỉnh</a>');
    const me = (await (await get('/api/me', province)).json()) as { role: string; scope: unknown };
    expect(me).toMatchObject({ role: 'province', scope: { kind: 'province' } });
    const page = await (await get('/tinh', province)).text();
    expect(page).toContain('>Toàn tỉnh</a>');
    expect(page).toContain('cán bộ cấp tỉnh');
    expect(page).not.toContain('/staff/settings');
    expect(page).not.toContain('/staff/account/link');
  });
});
