/**
 * The whole staff console in a real browser, on the real server
 * (startServer over readyServices and a SQLite file), the way a commune
 * would first use it: `cli staff add` prints a set-up link, the admin
 * chooses a password and signs in, adds the hamlets and uploads the
 * population file made from the page's template; residents pass quizzes
 * through the real engine; the dashboard draws their figures, the exports
 * carry the same numbers, a hamlet team sees its hamlet only, and a question
 * the assistant was not sure about is answered from /staff/learning and then
 * answered so in the web chat. No page may log an error or a CSP violation.
 * Drives Debian's chromium through playwright-core on a loopback port.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium, watchProblems } from './browser.js';
import { runStaff } from '../../src/cli/staff.js';
import type { OutgoingReply } from '../../src/core/messages.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { systemClock, type Services } from '../../src/services.js';
import { staffParts } from '../../src/staff/compose.js';
import { memoryLogger, readyServices, tempDir } from '../helpers.js';
import { createStaffAccount, TEST_PASSWORD } from '../staffSession.js';

const PHONE = { width: 390, height: 844 };
const CORE = ['vneid-co-ban', 'dich-vu-cong-truc-tuyen', 'nhan-dien-lua-dao', 'an-toan-tai-khoan', 'phong-trao-bdhvs'];
const ADMIN_PASSWORD = 'lua chin vang dong que huong 2026';
const READY = 'Đã cập nhật số liệu.';

const QUESTION = 'Lớp học kỹ năng số ở nhà văn hóa xóm có học buổi tối không?';
const ANSWER =
  'Lớp học kỹ năng số ở nhà văn hóa các xóm học vào buổi tối thứ Ba và thứ Năm hằng tuần, từ 19 giờ 30 đến 21 giờ.';
const DECISION = 'Thông báo lịch học lớp kỹ năng số của UBND xã Hùng Châu';

type Channel = 'web' | 'telegram';
const last = (replies: readonly OutgoingReply[]): OutgoingReply | undefined => replies[replies.length - 1];

describe('the staff console end to end, on the real server in a real browser (phone size)', { timeout: 60_000 }, () => {
  let tmp: ReturnType<typeof tempDir>;
  let services: Services;
  let server: RunningServer;
  let browser: Browser;
  let baseUrl: string;
  /** The admin's browser, signed in by the first test and used by the later ones. */
  let admin: { context: BrowserContext; page: Page; problems: string[] };

  beforeAll(async () => {
    requireChromium();
    tmp = tempDir('hocvuso-e2e-console-');
    // The console's report and sessions run on the system clock (server.ts), so the residents' quizzes do too:
    // the dashboard's default year is then the year they were passed in, whenever this runs.
    services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'console.db') }, systemClock);
    server = await startServer(services, memoryLogger().logger);
    baseUrl = `http://127.0.0.1:${server.port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await admin?.context.close();
    await browser?.close();
    await server?.stop();
    services?.close();
    tmp?.cleanup();
  });

  /**
   * A phone-sized browser whose console errors and warnings (CSP violations
   * land there), uncaught errors and failed loads are collected.
   */
  async function openBrowser(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      locale: 'vi-VN',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const problems = watchProblems(page);
    return { context, page, problems };
  }

  async function signIn(page: Page, login: string, password: string): Promise<void> {
    await page.goto(`${baseUrl}/staff/login`);
    await page.fill('#login', login);
    await page.fill('#password', password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((url) => url.pathname === '/staff' || url.pathname === '/staff/');
  }

  async function readDownload(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]);
    const path = await download.path();
    return { name: download.suggestedFilename(), bytes: readFileSync(path) };
  }

  async function openDashboard(page: Page): Promise<void> {
    await page.goto(`${baseUrl}/staff`);
    await expect.poll(() => page.locator('#status').textContent()).toBe(READY);
  }

  /** The resident's registration form through the engine: consent, then their hamlet and group, the rest skipped. */
  async function register(channel: Channel, userId: string, hamlet: string, group: string): Promise<void> {
    const say = (choice: string) => services.engine.handle({ channel, userId, choice });
    await say('me:profile');
    let replies = await say('reg:yes');
    for (let i = 0; i < 10; i++) {
      const values = replies.flatMap((r) => (r.buttons ?? []).map((b) => b.value));
      const next = values.includes(`reg:h:${hamlet}`)
        ? `reg:h:${hamlet}`
        : values.includes(`reg:g:${group}`)
          ? `reg:g:${group}`
          : values.includes('reg:skip')
            ? 'reg:skip'
            : undefined;
      if (next === undefined) break;
      replies = await say(next);
    }
    const citizen = services.citizens.findByIdentity({ channel, userId });
    expect(citizen?.profile).toMatchObject({ hamlet, group });
  }

  /** Takes one quiz to the end, always pressing the right answer. */
  async function pass(channel: Channel, userId: string, quizId: string): Promise<void> {
    const say = (choice: string) => services.engine.handle({ channel, userId, choice });
    let shown = last(await say(`quiz:go:${quizId}`));
    for (let i = 0; i < 50 && shown?.quiz; i++) {
      const right = shown.buttons?.[shown.quiz.correctPosition]?.value;
      if (!right) throw new Error(`no right answer in ${JSON.stringify(shown)}`);
      shown = last(await say(right));
    }
    expect(shown?.quiz).toBeUndefined();
  }

  it('creates an admin with `cli staff add`, whose set-up link sets a password, and signs in through the form', async () => {
    let printed = '';
    const stdout = new Writable({
      write(chunk: Buffer, _enc, cb) {
        printed += chunk.toString('utf8');
        cb();
      },
    });
    const code = await runStaff(
      {
        config: { ...services.config, PUBLIC_BASE_URL: baseUrl },
        logger: memoryLogger().logger,
        args: [],
        stdout,
      },
      ['add', '--name', 'Nguyễn Thị Quản', '--role', 'admin', '--id', 'quan-tri'],
    );
    expect(code).toBe(0);
    expect(printed).toContain('Tên đăng nhập: quan-tri');
    const link = /^(http\S+\/staff\/setup\?token=\S+)$/m.exec(printed)?.[1];
    expect(link?.startsWith(`${baseUrl}/staff/setup?token=`)).toBe(true);

    admin = await openBrowser();
    const { page } = admin;
    await page.goto(link ?? '');
    expect(await page.locator('main').textContent()).toContain('quan-tri');
    await page.fill('#password', ADMIN_PASSWORD);
    await page.fill('#confirm', ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Lưu mật khẩu' }).click();
    await page.waitForURL((url) => url.pathname === '/staff/login');
    // The link works once only.
    const again = await page.request.get(link ?? '');
    expect(again.status()).toBe(410);

    await signIn(page, 'quan-tri', ADMIN_PASSWORD);
    await expect.poll(() => page.locator('#status').textContent()).toBe(READY);
    expect(admin.problems).toEqual([]);
  });

  it('adds two hamlets through the settings form and the population through the CSV template', async () => {
    const { page } = admin;
    await page.goto(`${baseUrl}/staff/settings`);
    const rows = page.locator('#hamlets form tbody tr');
    await rows.nth(0).getByLabel('Mã xóm/khối').fill('xom-1');
    await rows.nth(0).getByLabel('Tên xóm/khối').fill('Xóm 1');
    await rows.nth(1).getByLabel('Mã xóm/khối').fill('xom-2');
    await rows.nth(1).getByLabel('Tên xóm/khối').fill('Xóm 2');
    await page.getByRole('button', { name: 'Lưu danh sách xóm/khối' }).click();
    await expect.poll(() => page.locator('#hamlets .notice').textContent()).toContain('Đã lưu danh sách xóm/khối');
    expect(services.commune.hamlets.map((h) => h.id)).toEqual(['xom-1', 'xom-2']);

    // The template lists both hamlets, one column per group, with a BOM for Excel.
    const template = await readDownload(page, () => page.getByRole('link', { name: 'Tải tệp mẫu (CSV)' }).click());
    expect(template.name).toBe('dan-so-theo-xom.csv');
    const text = template.bytes.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    const header = lines[0] ?? '';
    expect(header).toBe(
      [
        'Mã xóm/khối',
        'Tên xóm/khối',
        '"Cán bộ, công chức, viên chức và người lao động"',
        '"Học sinh, sinh viên"',
        'Người dân trong độ tuổi trưởng thành',
        '"Người lao động trong doanh nghiệp, hợp tác xã"',
        'Khác',
        'Người đã được xác nhận trên VNeID',
      ].join(','),
    );
    expect(lines.slice(1, 3)).toEqual(['xom-1,Xóm 1,,,,,,', 'xom-2,Xóm 2,,,,,,']);
    // Filled in as staff would: every group's people (a hamlet's total needs them all) and the VNeID-certified adults.
    const filled = [header, 'xom-1,Xóm 1,0,4,10,0,0,2', 'xom-2,Xóm 2,0,0,5,0,0,', ''].join('\r\n');
    await page.setInputFiles('#population input[type=file]', {
      name: 'dan-so-theo-xom.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`\uFEFF${filled}`, 'utf8'),
    });
    await page.getByRole('button', { name: 'Tải lên' }).click();
    await expect.poll(() => page.locator('#population .notice').textContent()).toContain('Đã nhập số liệu từ tệp');
    // The grid now shows what the file said.
    expect(await page.getByLabel('Xóm 1: Người dân trong độ tuổi trưởng thành').inputValue()).toBe('10');
    expect(await page.getByLabel('Xóm 2: Người dân trong độ tuổi trưởng thành').inputValue()).toBe('5');
    expect(admin.problems).toEqual([]);
  });

  it('draws what residents did through the real quiz engine, and the hamlet filter changes the figures', async () => {
    // an (web) and binh (telegram) complete the programme in xom-1, chi in xom-2; dao in xom-1 passes one quiz only.
    await register('web', 'an', 'xom-1', 'nguoi-dan');
    await register('telegram', 'binh', 'xom-1', 'hoc-sinh-sinh-vien');
    await register('web', 'chi', 'xom-2', 'nguoi-dan');
    await register('web', 'dao', 'xom-1', 'nguoi-dan');
    for (const q of CORE) {
      await pass('web', 'an', q);
      await pass('telegram', 'binh', q);
      await pass('web', 'chi', q);
    }
    await pass('web', 'dao', CORE[0] ?? '');

    const { page } = admin;
    await openDashboard(page);
    const hamlets = page.locator('#hamlets .cell');
    await expect.poll(() => hamlets.count()).toBe(2);
    expect(await hamlets.filter({ hasText: 'Xóm 1' }).locator('.cell-detail').textContent()).toContain(
      '2/14 người đã hoàn thành',
    );
    expect(await hamlets.filter({ hasText: 'Xóm 2' }).locator('.cell-detail').textContent()).toContain(
      '1/5 người đã hoàn thành',
    );
    const indicatorC = page.locator('#indicators .cell').nth(2);
    expect(await indicatorC.textContent()).toContain('2/15 người đã hoàn thành');
    expect(await page.locator('#total .cell-detail').textContent()).toContain('3/19 người đã hoàn thành');

    // Every bar has a fill, drawn to its share.
    const east = hamlets.filter({ hasText: 'Xóm 1' });
    const track = await east.locator('.bar').boundingBox();
    const fill = await east.locator('.fill').boundingBox();
    expect((fill?.width ?? 0) / (track?.width ?? 1)).toBeCloseTo(2 / 14, 1);

    // The weekly chart: Chart.js took the canvas and painted it.
    const chart = await page.evaluate<{ painted: number; completions: number }>(`(() => {
      const canvas = document.getElementById('weekly-chart');
      const instance = window.Chart && window.Chart.getChart(canvas);
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
      const first = instance ? instance.data.datasets[0].data : [];
      return { painted, completions: first.reduce((a, b) => a + b, 0) };
    })()`);
    expect(chart.painted).toBeGreaterThan(1000);
    expect(chart.completions).toBe(3);

    // Only xom-1: the totals and the groups follow.
    await page.selectOption('#f-hamlet', 'xom-1');
    await expect.poll(() => page.locator('#total .cell-detail').textContent()).toContain('2/14 người đã hoàn thành');
    await expect.poll(() => page.locator('#status').textContent()).toBe(READY);
    expect(await page.locator('#hamlets .cell').count()).toBe(1);
    const adults = page.locator('#groups .cell').filter({ hasText: 'Người dân trong độ tuổi trưởng thành' });
    expect(await adults.locator('.cell-detail').textContent()).toContain('1/10 người đã hoàn thành');
    await page.selectOption('#f-hamlet', '');
    await expect.poll(() => page.locator('#total .cell-detail').textContent()).toContain('3/19 người đã hoàn thành');
    expect(admin.problems).toEqual([]);
  });

  it('downloads the report as CSV with either separator and as XLSX, with the same numbers', async () => {
    const { page } = admin;
    await openDashboard(page);

    const semicolon = await readDownload(page, () => page.click('#dl-csv-semicolon'));
    expect(semicolon.name).toMatch(/^bao-cao-tien-do-.*\.csv$/);
    const s = semicolon.bytes.toString('utf8');
    expect(s.startsWith('\uFEFF')).toBe(true);
    const sLines = s.slice(1).split('\r\n');
    expect(sLines).toContain(
      'Mục;Chỉ tiêu theo Kế hoạch;Nhóm đối tượng;Số người hoàn thành;Dân số;Tỷ lệ;Mục tiêu;Đánh giá',
    );
    expect(sLines.some((l) => l.startsWith('Xóm 1;Tất cả các nhóm;2;14;'))).toBe(true);
    expect(sLines.some((l) => l.startsWith('Xóm 1;Người dân trong độ tuổi trưởng thành;1;10;'))).toBe(true);
    expect(sLines.some((l) => l.startsWith('Xóm 2;Tất cả các nhóm;1;5;'))).toBe(true);

    const comma = await readDownload(page, () => page.click('#dl-csv-comma'));
    const c = comma.bytes.toString('utf8');
    expect(c.startsWith('\uFEFF')).toBe(true);
    const cLines = c.slice(1).split('\r\n');
    expect(cLines).toContain(
      'Mục,Chỉ tiêu theo Kế hoạch,Nhóm đối tượng,Số người hoàn thành,Dân số,Tỷ lệ,Mục tiêu,Đánh giá',
    );
    expect(cLines.some((l) => l.startsWith('Xóm 1,Tất cả các nhóm,2,14,'))).toBe(true);
    expect(cLines.some((l) => l.startsWith('Xóm 2,Tất cả các nhóm,1,5,'))).toBe(true);

    const xlsx = await readDownload(page, () => page.click('#dl-xlsx'));
    expect(xlsx.name).toMatch(/\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(
      expect.arrayContaining(['Chỉ tiêu', 'Xóm-khối', 'Nhóm đối tượng', 'Theo tuần']),
    );
    const indicators = book.getWorksheet('Chỉ tiêu');
    expect(indicators?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(indicators?.getRow(1).getCell(1).value).toBe('Mục');
    expect([2, 3, 4, 5, 6].map((r) => indicators?.getRow(r).getCell(1).value)).toEqual(['a', 'b', 'c', 'd', 'đ']);
    // c) adults of the commune: 2 of 15.
    expect(indicators?.getRow(4).getCell(4).value).toBe(2);
    expect(indicators?.getRow(4).getCell(5).value).toBe(15);
    const byHamlet = book.getWorksheet('Xóm-khối');
    expect(byHamlet?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const totals: unknown[][] = [];
    byHamlet?.eachRow((row) => {
      if (row.getCell(2).value === 'Tất cả các nhóm') {
        totals.push([row.getCell(1).value, row.getCell(3).value, row.getCell(4).value]);
      }
    });
    expect(totals).toEqual([
      ['Xóm 1', 2, 14],
      ['Xóm 2', 1, 5],
    ]);
    expect(admin.problems).toEqual([]);
  });

  it('shows a hamlet team its own hamlet only, and refuses the other hamlet and the settings forms', async () => {
    await createStaffAccount(
      {
        store: staffParts(services.db, services.config.COMMUNE_ID, systemClock).store,
        // The server checks sessions on the system clock; the helper's clock type can be moved, this one is not.
        clock: { now: () => systemClock.now(), set: () => undefined },
      },
      { role: 'hamlet', hamletId: 'xom-1', id: 'to-xom-1', name: 'Tổ công nghệ số Xóm 1' },
    );
    const team = await openBrowser();
    try {
      const { page } = team;
      await signIn(page, 'to-xom-1', TEST_PASSWORD);
      await expect.poll(() => page.locator('#status').textContent()).toBe(READY);
      expect(await page.locator('select#f-hamlet').count()).toBe(0);
      expect(await page.inputValue('#f-hamlet')).toBe('xom-1');
      const filters = await page.locator('#filters').textContent();
      expect(filters).toContain('Xóm 1');
      expect(filters).not.toContain('Xóm 2');
      expect(await page.locator('#hamlets .cell').count()).toBe(1);
      expect(await page.locator('#total .cell-detail').textContent()).toContain('2/14 người đã hoàn thành');

      const other = await page.request.get(`${baseUrl}/staff/api/report?hamlet=xom-2`);
      expect(other.status()).toBe(403);
      const otherCsv = await page.request.get(`${baseUrl}/staff/api/report.csv?hamlet=xom-2&sep=comma`);
      expect(otherCsv.status()).toBe(403);

      // The settings page shows figures without forms; a form posted anyway (with a valid CSRF token) is refused.
      await page.goto(`${baseUrl}/staff/settings`);
      expect(await page.getByRole('button', { name: 'Lưu danh sách xóm/khối' }).count()).toBe(0);
      expect(await page.locator('#population').textContent()).not.toContain('Xóm 2');
      const me = (await (await page.request.get(`${baseUrl}/staff/api/me`)).json()) as { csrfToken: string };
      const post = await page.request.post(`${baseUrl}/staff/settings/hamlets`, {
        headers: { 'x-csrf-token': me.csrfToken },
        form: { _csrf: me.csrfToken, 'h.0.id': 'xom-9', 'h.0.name': 'Xóm 9' },
      });
      expect(post.status()).toBe(403);
      expect(await post.text()).toContain('Không có quyền thay đổi');
      expect(services.commune.hamlets.map((h) => h.id)).toEqual(['xom-1', 'xom-2']);
      expect(team.problems).toEqual([]);
    } finally {
      await team.context.close();
    }
  });

  it('learns: a question the assistant was not sure about, answered from /staff/learning, is answered so in the chat', async () => {
    const botAnswers = (page: Page) => page.locator('#log .msg.bot:not(.typing)');
    async function askInChat(page: Page): Promise<string> {
      await page.goto(`${baseUrl}/`);
      await expect.poll(() => botAnswers(page).count()).toBeGreaterThanOrEqual(1);
      const before = await botAnswers(page).count();
      await page.fill('#text', QUESTION);
      await page.press('#text', 'Enter');
      await expect.poll(() => botAnswers(page).count()).toBeGreaterThan(before);
      await expect.poll(() => page.locator('#send').isEnabled()).toBe(true);
      return (await botAnswers(page).last().textContent()) ?? '';
    }

    const resident = await openBrowser();
    try {
      const first = await askInChat(resident.page);
      expect(first).not.toContain('thứ Ba và thứ Năm');
      expect(resident.problems).toEqual([]);
    } finally {
      await resident.context.close();
    }

    const { page } = admin;
    await page.goto(`${baseUrl}/staff/learning`);
    const group = page.locator('section.group').filter({ hasText: QUESTION });
    await expect.poll(() => group.count()).toBe(1);
    await group.getByText('Soạn câu trả lời mới cho cả nhóm').click();
    const form = group.locator('form[action$="/answer"]');
    await form.locator('textarea[name=answer]').fill(ANSWER);
    await form.locator('input[name=sourceKind][value=decision]').check();
    await form.locator('input[name=decisionTitle]').fill(DECISION);
    await form.locator('input[name=signer]').fill('Chủ tịch UBND xã');
    await form.locator('input[name=signedOn]').fill('2026-12-01');
    await form.locator('input[name=reason]').fill('Bà con hỏi nhiều');
    await form.getByRole('button', { name: 'Duyệt và đưa vào trợ lý' }).click();
    await expect.poll(() => page.locator('p.notice').count()).toBe(1);
    expect(await page.locator('p.error').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain(DECISION);
    expect(admin.problems).toEqual([]);

    const later = await openBrowser();
    try {
      const answer = await askInChat(later.page);
      expect(answer).toContain('thứ Ba và thứ Năm');
      expect(answer).toContain(`Nguồn: ${DECISION}`);
      expect(answer).toContain('Chủ tịch UBND xã ký ngày 01/12/2026');
      expect(later.problems).toEqual([]);
    } finally {
      await later.context.close();
    }
  });

  it('shows the public board ranked by share, with no names, and no console problem', async () => {
    const visitor = await openBrowser();
    try {
      const res = await visitor.page.goto(`${baseUrl}/thi-dua`);
      expect(res?.status()).toBe(200);
      const items = visitor.page.locator('ol.board li');
      expect(await items.count()).toBe(2);
      // xom-2: 1 of 5 (20%) ahead of xom-1: 2 of 14 (14,3%).
      expect(await items.nth(0).textContent()).toMatch(/Hạng 1\s*Xóm 2[\s\S]*20% đã hoàn thành \(1\/5 người\)/);
      expect(await items.nth(1).textContent()).toMatch(/Hạng 2\s*Xóm 1[\s\S]*14,3% đã hoàn thành \(2\/14 người\)/);
      expect(await visitor.page.content()).not.toContain('Nguyễn Thị Quản');
      expect(visitor.problems).toEqual([]);
    } finally {
      await visitor.context.close();
    }
  });

  it('would catch a CSP violation: an inline style attribute is refused and reported', async () => {
    // The "no problems" checks above are only worth something if a violation does reach `problems`.
    const { page, problems } = admin;
    await openDashboard(page);
    await page.evaluate(`(() => {
      const div = document.createElement('div');
      div.setAttribute('style', 'color: red');
      document.body.appendChild(div);
    })()`);
    await expect.poll(() => problems.join('\n')).toMatch(/Content Security Policy/);
  });
});
