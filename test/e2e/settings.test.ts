/**
 * The settings page in a real browser under the console's strict CSP (no
 * inline script or style): the "Thêm dòng" button adds a hamlet row, the
 * form posts, the page reports the save, and the browser logs no CSP
 * violation. Drives Debian's chromium through playwright-core against the
 * module served on 127.0.0.1, behind a stand-in front door.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium } from './browser.js';
import { createLiveCommune, type LiveCommune } from '../../src/content/liveCommune.js';
import { DEFAULT_COMMUNE } from '../../src/content/loadCommune.js';
import { createSettingsModule } from '../../src/staff/settingsModule.js';
import type { StaffEnv } from '../../src/staff/types.js';
import { SqliteCommuneSettingsRepo } from '../../src/storage/sqlite/communeSettingsRepo.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqlitePopulationRepo } from '../../src/storage/sqlite/populationRepo.js';
import { fixedClock, tempDir } from '../helpers.js';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; form-action 'self'; base-uri 'none'";

describe('the settings page in a real browser', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let commune: LiveCommune;
  let server: Server;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    requireChromium();
    tmp = tempDir('hocvuso-e2e-settings-');
    db = openDatabase(join(tmp.dir, 'e2e.db'));
    const settings = new SqliteCommuneSettingsRepo(db, 'hung-chau');
    commune = createLiveCommune({ ...DEFAULT_COMMUNE, hamlets: [{ id: 'xom-1', name: 'Xóm 1' }] }, settings);
    const staff = new Hono<StaffEnv>();
    staff.use('*', async (c, next) => {
      c.set('staff', { id: 'admin-1', name: 'Quản trị', role: 'admin' });
      c.set('csrfToken', 't');
      await next();
      c.header('Content-Security-Policy', CSP);
    });
    createSettingsModule({
      commune,
      settings,
      population: new SqlitePopulationRepo(db, 'hung-chau'),
      audit: { record: () => {} },
      clock: fixedClock(),
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

  it('adds a hamlet with "Thêm dòng" and saves it, with no CSP violation', async () => {
    const context = await browser.newContext({ locale: 'vi-VN' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(`${baseUrl}/staff/settings`);
    // The stylesheet applied (a file, not inline): sections get their white card background.
    const background = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('section#hamlets')).backgroundColor",
    );
    expect(background).toBe('rgb(255, 255, 255)');
    const rows = page.locator('#hamlets tbody tr');
    const before = await rows.count();
    await page.getByRole('button', { name: 'Thêm dòng' }).click();
    expect(await rows.count()).toBe(before + 1);
    const added = rows.nth(before);
    await added.getByLabel('Mã xóm/khối').fill('khoi-tan-hung');
    await added.getByLabel('Tên xóm/khối').fill('Khối Tân Hùng');
    await page.getByRole('button', { name: 'Lưu danh sách xóm/khối' }).click();
    await expect.poll(() => page.locator('#hamlets .notice').textContent()).toContain('Đã lưu danh sách xóm/khối');
    expect(commune.hamlets).toEqual([
      { id: 'xom-1', name: 'Xóm 1' },
      { id: 'khoi-tan-hung', name: 'Khối Tân Hùng' },
    ]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
