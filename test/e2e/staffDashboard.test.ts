/**
 * The staff dashboard and the public emulation board in a real browser at
 * phone width (390 px): bars and the weekly chart render, changing a filter
 * changes the report request and the download links, a hamlet team sees only
 * its hamlet, and the strict CSP (no inline script or style) raises no
 * violation while Chart.js draws. Drives Debian's chromium through
 * playwright-core against the app on a loopback port, with a fixture report
 * served by a fake report module (the real one is tested on its own).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium, watchProblems } from './browser.js';
import { createBoardApp } from '../../src/http/board.js';
import type { Board } from '../../src/core/stats/types.js';
import { ADMIN, dashboardTestApp, HAMLET_TEAM, REPORT } from '../fakes/progressReport.js';

const PHONE = { width: 390, height: 844 };

const BOARD: Board = {
  rows: [
    { rank: 1, hamletId: 'xom-1', hamletName: 'Xóm Đông', completed: 91, population: 200, share: 0.455 },
    { rank: 2, hamletId: 'xom-3', hamletName: 'Xóm Bắc', completed: 30, population: 300, share: 0.1 },
    { rank: null, hamletId: 'xom-2', hamletName: 'Xóm Tây', completed: 35, population: null, share: null },
  ],
  unknownHamlet: 12,
  countedAt: '2026-12-06T03:00:00.000Z',
};

async function listen(app: Hono): Promise<{ server: Server; url: string }> {
  const listener = getRequestListener(app.fetch);
  const server = createServer((req, res) => void listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (server: Server | undefined): Promise<void> =>
  new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));

describe('staff dashboard and public board in a real browser (phone size)', () => {
  let browser: Browser;
  let admin: { server: Server; url: string; seen: string[] };
  let team: { server: Server; url: string; seen: string[] };
  let context: BrowserContext;
  let page: Page;
  /** Console errors and warnings (CSP violations land here) and uncaught errors. */
  let problems: string[];

  beforeAll(async () => {
    requireChromium();
    const board = createBoardApp({
      leaderboard: { board: () => BOARD },
      communeName: () => 'Xã Hùng Châu',
    });
    const adminApp = dashboardTestApp(ADMIN, REPORT, board);
    const teamApp = dashboardTestApp(HAMLET_TEAM, {
      ...REPORT,
      hamlets: REPORT.hamlets.filter((h) => h.hamletId === 'xom-2'),
    });
    admin = { ...(await listen(adminApp.app)), seen: adminApp.seen };
    team = { ...(await listen(teamApp.app)), seen: teamApp.seen };
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await close(admin?.server);
    await close(team?.server);
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    page = await context.newPage();
    problems = watchProblems(page);
  });

  afterEach(async () => {
    await context.close();
  });

  async function openDashboard(base: string): Promise<void> {
    await page.goto(`${base}/staff`);
    await expect.poll(() => page.locator('#status').textContent()).toBe('Đã cập nhật số liệu.');
  }

  /** A fill's width as a share of its track. */
  async function fillShare(cell: ReturnType<Page['locator']>): Promise<number> {
    const track = await cell.locator('.bar').boundingBox();
    const fill = await cell.locator('.fill').boundingBox();
    if (!track || !fill) throw new Error('bar not rendered');
    return fill.width / track.width;
  }

  async function targetAt(cell: ReturnType<Page['locator']>): Promise<number> {
    const track = await cell.locator('.bar').boundingBox();
    const line = await cell.locator('.target').boundingBox();
    if (!track || !line) throw new Error('target line not rendered');
    return (line.x + line.width / 2 - track.x) / track.width;
  }

  it('draws indicators, hamlets and groups as bars with their figures in words, and the weekly chart', async () => {
    await openDashboard(admin.url);
    const indicators = page.locator('#indicators .cell');
    await expect.poll(() => indicators.count()).toBe(5);

    const a = indicators.nth(0);
    expect(await a.locator('.cell-value').textContent()).toBe('100%');
    expect(await a.textContent()).toContain('✓ Đạt mục tiêu');
    expect(await fillShare(a)).toBeCloseTo(1, 2);

    const b = indicators.nth(1);
    expect(await b.locator('.cell-detail').textContent()).toBe('150/600 người đã hoàn thành · Mục tiêu 100%');
    expect(await b.locator('.verdict').textContent()).toBe('✗ Chưa đạt mục tiêu (còn thiếu 450 người)');
    expect(await fillShare(b)).toBeCloseTo(0.25, 2);
    expect(await targetAt(b)).toBeCloseTo(1, 1);

    const c = indicators.nth(2);
    expect(await c.locator('.cell-value').textContent()).toBe('Chưa rõ tỷ lệ');
    expect(await c.locator('.verdict').textContent()).toBe('Chưa có số dân: chưa tính được tỷ lệ');
    expect(await fillShare(c)).toBe(0);

    const d = indicators.nth(3);
    expect(await d.locator('.cell-detail').textContent()).toContain('Mục tiêu trên 60%');
    expect(await targetAt(d)).toBeCloseTo(0.6, 2);

    const hamlets = page.locator('#hamlets .cell');
    await expect.poll(() => hamlets.count()).toBe(3);
    const east = hamlets.filter({ hasText: 'Xóm Đông' });
    expect(await east.locator('.cell-value').textContent()).toBe('45,5%');
    expect(await fillShare(east)).toBeCloseTo(0.46, 2);
    expect(await targetAt(east)).toBeCloseTo(0.8, 2);
    expect(await hamlets.filter({ hasText: 'Xóm Tây' }).textContent()).toContain('Chưa có số dân');
    expect(await page.locator('#groups .cell').count()).toBe(1);
    expect(await page.locator('#notes').textContent()).toContain('Chưa nhập dân số của Xóm Tây');
    expect(await page.locator('#quizzes').textContent()).toContain('Mã OTP có được đưa cho người khác không?');

    // The chart: Chart.js took the canvas, drew the five weeks, and painted pixels at phone width.
    const chart = await page.evaluate<{ labels: string[]; painted: number; width: number; height: number }>(`(() => {
      const canvas = document.getElementById('weekly-chart');
      const instance = window.Chart && window.Chart.getChart(canvas);
      const ctx = canvas.getContext('2d');
      const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
      const box = canvas.getBoundingClientRect();
      return { labels: instance ? instance.data.labels : [], painted, width: box.width, height: box.height };
    })()`);
    expect(chart.labels).toEqual(['02/11', '09/11', '16/11', '23/11', '30/11']);
    expect(chart.painted).toBeGreaterThan(1000);
    expect(chart.width).toBeGreaterThan(300);
    expect(chart.width).toBeLessThanOrEqual(PHONE.width);
    expect(chart.height).toBeGreaterThan(150);
    expect(await page.locator('#weekly-table tbody tr').count()).toBe(5);

    // Nothing wider than the phone.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    expect(problems).toEqual([]);
  });

  it('asks the report again when a filter changes, and the download links follow the filters', async () => {
    await openDashboard(admin.url);
    expect(admin.seen.at(-1)).toBe('?year=2026');

    await page.selectOption('#f-year', '2025');
    await expect.poll(() => admin.seen.at(-1)).toBe('?year=2025');
    await page.selectOption('#f-hamlet', 'xom-1');
    await expect.poll(() => admin.seen.at(-1)).toBe('?year=2025&hamlet=xom-1');
    await page.selectOption('#f-group', 'nguoi-dan');
    await page.fill('#f-from', '2025-03-01');
    await page.fill('#f-to', '2025-09-30');
    const query = 'year=2025&hamlet=xom-1&group=nguoi-dan&from=2025-03-01&to=2025-09-30';
    await expect.poll(() => admin.seen.at(-1)).toBe(`?${query}`);
    await expect.poll(() => page.locator('#status').textContent()).toBe('Đã cập nhật số liệu.');
    expect(await page.locator('#year-label').textContent()).toBe('2025');
    expect(await page.locator('#plan-section').textContent()).toBe('Theo mục III.1 của Kế hoạch.');

    expect(await page.getAttribute('#dl-csv-semicolon', 'href')).toBe(`/staff/api/report.csv?${query}&sep=semicolon`);
    expect(await page.getAttribute('#dl-csv-comma', 'href')).toBe(`/staff/api/report.csv?${query}&sep=comma`);
    expect(await page.getAttribute('#dl-xlsx', 'href')).toBe(`/staff/api/report.xlsx?${query}`);
    // The address keeps the filters, so a reload (or a shared link) shows the same view.
    expect(new URL(page.url()).search).toBe(`?${query}`);
    await page.reload();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Đã cập nhật số liệu.');
    expect(await page.inputValue('#f-group')).toBe('nguoi-dan');
    expect(admin.seen.at(-1)).toBe(`?${query}`);
    expect(problems).toEqual([]);
  });

  it('says what went wrong when the report cannot be had, in Vietnamese', async () => {
    await openDashboard(admin.url);
    const refusal = 'Tài khoản của tổ chỉ xem được số liệu của xóm mình.';
    await page.route('**/staff/api/report?*', (route) =>
      route.fulfill({ status: 403, json: { error: 'forbidden', message: refusal } }),
    );
    await page.selectOption('#f-hamlet', 'xom-2');
    await expect.poll(() => page.locator('#status').textContent()).toBe(refusal);
    expect(await page.locator('#status').getAttribute('class')).toContain('error');

    await page.route('**/staff/api/report?*', (route) => route.abort('connectionrefused'));
    await page.selectOption('#f-hamlet', 'xom-1');
    await expect
      .poll(() => page.locator('#status').textContent())
      .toBe('Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.');
    // What was drawn before stays on screen.
    expect(await page.locator('#indicators .cell').count()).toBe(5);

    // An answer that is not a report is said to be one, never drawn as zeros.
    await page.route('**/staff/api/report?*', (route) => route.fulfill({ status: 200, json: { hello: 'world' } }));
    await page.selectOption('#f-hamlet', '');
    await expect
      .poll(() => page.locator('#status').textContent())
      .toBe('Máy chủ trả về số liệu không đúng dạng. Vui lòng báo cho quản trị viên.');
  });

  it('goes to the login page when the session has ended', async () => {
    await openDashboard(admin.url);
    await page.route('**/staff/api/report?*', (route) =>
      route.fulfill({ status: 401, json: { error: 'unauthenticated', message: 'Vui lòng đăng nhập.' } }),
    );
    // Stands in for the front door, which redirects a page request without a session to the login page.
    await page.route('**/staff?*', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<h1>Đăng nhập</h1>' }),
    );
    await page.selectOption('#f-group', 'nguoi-dan');
    // The address already carries the filters (replaceState): wait for the new document itself.
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Đăng nhập');
    expect(new URL(page.url()).search).toBe('?year=2026&group=nguoi-dan');
  });

  it('offers a hamlet team its own hamlet only', async () => {
    await openDashboard(team.url);
    expect(await page.locator('select#f-hamlet').count()).toBe(0);
    expect(await page.locator('#filters').textContent()).toContain('Xóm Tây');
    expect(await page.locator('#filters').textContent()).not.toContain('Xóm Đông');
    expect(team.seen.at(-1)).toBe('?year=2026&hamlet=xom-2');
    expect(await page.getAttribute('#dl-xlsx', 'href')).toBe('/staff/api/report.xlsx?year=2026&hamlet=xom-2');
    expect(await page.locator('#hamlets .cell').count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('would catch a CSP violation: an inline style attribute is refused and reported', async () => {
    // The guard of the other tests is only worth something if a violation does reach `problems`.
    await openDashboard(admin.url);
    await page.evaluate(`(() => {
      const div = document.createElement('div');
      div.setAttribute('style', 'color: red');
      document.body.appendChild(div);
    })()`);
    await expect.poll(() => problems.join('\n')).toMatch(/Content Security Policy/);
  });

  it('shows the public board ranked with bars, unranked hamlets marked, and nothing personal', async () => {
    const res = await page.goto(`${admin.url}/thi-dua`);
    expect(res?.status()).toBe(200);
    const items = page.locator('ol.board li');
    expect(await items.count()).toBe(2);
    expect(await items.nth(0).textContent()).toMatch(/Hạng 1\s*Xóm Đông[\s\S]*45,5% đã hoàn thành \(91\/200 người\)/);
    const track = await items.nth(0).locator('.bar').boundingBox();
    const fill = await items.nth(0).locator('.fill').boundingBox();
    expect((fill?.width ?? 0) / (track?.width ?? 1)).toBeCloseTo(0.46, 2);
    expect(await page.locator('main').textContent()).toContain('Xóm Tây: 35 người đã hoàn thành — chưa có số dân');
    expect(await page.locator('main').textContent()).toContain('Chưa rõ xóm: 12 người đã hoàn thành.');
    expect(await page.locator('main').textContent()).toContain('Cập nhật lúc 06/12/2026 10:00');
    expect(await page.content()).not.toContain(ADMIN.name);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    expect(problems).toEqual([]);
  });
});
