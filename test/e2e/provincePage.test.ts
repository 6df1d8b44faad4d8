/**
 * The "Toàn tỉnh" page in a real browser under the console's strict CSP (no
 * inline script or style): its stylesheet applies, the year form switches the
 * targets, the CSV link downloads the file, and the browser logs no problem.
 * Drives Debian's chromium through playwright-core against the module served
 * on 127.0.0.1, behind a stand-in front door that signs in a province account.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium, watchProblems } from './browser.js';
import { DEFAULT_COMMUNE } from '../../src/content/loadCommune.js';
import { sqliteProvinceDeps } from '../../src/staff/provinceCompose.js';
import { createProvinceModule } from '../../src/staff/provinceModule.js';
import type { StaffEnv } from '../../src/staff/types.js';
import { ensureCommune, openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqlitePopulationRepo } from '../../src/storage/sqlite/populationRepo.js';
import { fixedClock, tempDir } from '../helpers.js';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; form-action 'self'; base-uri 'none'";

describe('the province page in a real browser', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let server: Server;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    requireChromium();
    tmp = tempDir('hocvuso-e2e-province-');
    db = openDatabase(join(tmp.dir, 'e2e.db'));
    ensureCommune(db, 'hung-chau', 'Xã Hùng Châu');
    ensureCommune(db, 'binh-minh', 'Xã Bình Minh');
    const clock = fixedClock('2026-12-09T05:00:00.000Z');
    new SqlitePopulationRepo(db, 'binh-minh').save(
      { population: [{ hamletId: 'thon-1', groupId: 'nguoi-dan', people: 10 }], certified: [] },
      'test',
      clock.now(),
    );
    const staff = new Hono<StaffEnv>();
    staff.use('*', async (c, next) => {
      c.set('staff', { id: 'tinh', name: 'Cán Bộ Tỉnh', role: 'province' });
      c.set('csrfToken', 't');
      await next();
      c.header('Content-Security-Policy', CSP);
    });
    createProvinceModule({
      province: sqliteProvinceDeps({
        db,
        homeId: 'hung-chau',
        home: () => ({ ...DEFAULT_COMMUNE, name: 'Xã Hùng Châu' }),
        clock,
      }),
      audit: { record: () => {} },
    })(staff);
    const app = new Hono();
    app.route('/staff', staff);
    const listener = getRequestListener(app.fetch);
    server = createServer((req, res) => void listener(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    db?.close();
    tmp?.cleanup();
  });

  it('shows both communes styled, switches the year, downloads the CSV, with no CSP violation', async () => {
    const context = await browser.newContext({ locale: 'vi-VN', acceptDownloads: true });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${baseUrl}/staff/tinh?year=2026`);
    const rows = page.locator('table.province tbody tr th');
    expect(await rows.allTextContents()).toEqual(['Xã Bình Minh', 'Xã Hùng Châu']);
    // The stylesheet applied (a file, not inline): sections are white cards, the footer row is bold.
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('section')).backgroundColor")).toBe(
      'rgb(255, 255, 255)',
    );
    expect(await page.locator('table.province tbody tr').first().locator('td').nth(2).textContent()).toContain(
      '0 / 10',
    );
    expect(await page.locator('table.province tbody').textContent()).toContain('chưa có số dân');

    await page.getByLabel('Năm mục tiêu').selectOption('2025');
    await page.getByRole('button', { name: 'Xem' }).click();
    await page.waitForURL(/year=2025/);
    expect(await page.locator('table.province tbody tr').first().locator('td').nth(2).textContent()).toContain(
      'Mục tiêu 80%',
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'CSV (Excel tiếng Việt)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('tien-do-toan-tinh-2025-2026-12-09.csv');
    const file = readFileSync((await download.path()) ?? '', 'utf8');
    expect(file).toContain('Xã Bình Minh;');
    expect(problems).toEqual([]);
    await context.close();
  });
});
