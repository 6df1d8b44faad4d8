/**
 * One navigation bar across the console: the dashboard, the settings, the
 * learning loop and the account page, as the real server (server.ts or
 * pgServer.ts) mounts them behind the real front door, each show the same bar (the page itself marked current,
 * a sign-out form carrying the session's CSRF token), under the strict CSP;
 * a hamlet team is not offered the commune settings it may not change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../helpers.js';
import { signIn, type StaffSession } from '../staffSession.js';
import { testService, type TestService } from '../testService.js';

/** Each page, and the stylesheet it loads from its own module (which carries the bar's rules). */
const PAGES = [
  { path: '/staff', label: 'Tổng quan', css: '/staff/assets/dashboard.css' },
  { path: '/staff/settings', label: 'Cài đặt xã', css: '/staff/settings/settings.css' },
  { path: '/staff/learning', label: 'Câu hỏi cần trả lời', css: '/staff/learning/learning.css' },
  { path: '/staff/account/link', label: 'Tài khoản', css: '/staff/assets/staff.css' },
] as const;

let services: TestService;
/** The console as the real server mounts it, on SQLite or PostgreSQL (test/testService.ts). */
let t: { app: TestService; store: TestService['staff']; clock: ReturnType<typeof fixedClock> };

beforeAll(async () => {
  services = await testService();
  // The console reads the system clock: the accounts' set-up links are made at the real time.
  t = { app: services, store: services.staff, clock: fixedClock(new Date().toISOString()) };
});

afterAll(async () => {
  await services?.close();
});

/** The navigation bar of a page. */
function navOf(html: string): string {
  const nav = /<nav class="console-nav"[\s\S]*?<\/nav>/.exec(html)?.[0];
  if (!nav) throw new Error('no console navigation on the page');
  return nav;
}

async function page(s: StaffSession, path: string): Promise<string> {
  const res = await t.app.request(path, { headers: { cookie: s.cookie } });
  expect(res.status).toBe(200);
  return res.text();
}

describe('the console’s shared navigation', () => {
  it('is on all three pages (and the account page) for an admin, the page marked current', async () => {
    const admin = await signIn(t, { role: 'admin', id: 'lan', name: 'Nguyễn Thị Lan' });
    for (const current of PAGES) {
      const html = await page(admin, current.path);
      expect(html).toMatch(new RegExp(`<link rel="stylesheet" href="${current.css}"`));
      expect(html).not.toMatch(/\sstyle=|<style/);
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      const nav = navOf(html);
      for (const p of PAGES) {
        const mark = p.path === current.path ? ' aria-current="page"' : '';
        expect(nav).toContain(`<a href="${p.path}"${mark}>${p.label}</a>`);
      }
      expect(nav.match(/aria-current/g)).toHaveLength(1);
      expect(nav).toContain('Nguyễn Thị Lan');
      expect(nav).toMatch(
        new RegExp(
          `<form class="signout" method="post" action="/staff/logout">\\s*<input type="hidden" name="_csrf" value="${admin.csrfToken}">`,
        ),
      );
    }
  });

  it('offers a hamlet team only what it may use: no commune settings', async () => {
    const team = await signIn(t, { role: 'hamlet', hamletId: 'xom-1', id: 'to-xom-1', name: 'Tổ Xóm Một' });
    for (const path of ['/staff', '/staff/learning', '/staff/account/link']) {
      const nav = navOf(await page(team, path));
      expect(nav).not.toContain('/staff/settings');
      expect(nav).not.toContain('Cài đặt xã');
      expect(nav).toContain('<a href="/staff/learning"');
      expect(nav).toContain('<a href="/staff/account/link"');
      expect(nav).toContain('tổ xóm/khối xom-1');
      expect(nav).toContain(`value="${team.csrfToken}"`);
    }
  });

  it('signs out from the bar with the session’s token, and not without it', async () => {
    const admin = await signIn(t, { role: 'admin', id: 'mai' });
    const forged = await t.app.request('/staff/logout', {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: '_csrf=forged',
    });
    expect(forged.status).toBe(403);
    const out = await t.app.request('/staff/logout', {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: admin.csrfToken }).toString(),
    });
    expect(out.status).toBe(303);
    const after = await t.app.request('/staff/learning', { headers: { cookie: admin.cookie } });
    expect(after.status).toBe(302);
  });

  it('styles the bar from the stylesheet each page already loads (no inline style, nothing more to fetch)', async () => {
    const admin = await signIn(t, { role: 'admin', id: 'hoa' });
    for (const p of PAGES) {
      const res = await t.app.request(p.css, { headers: { cookie: admin.cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/css/);
      expect(await res.text()).toContain('nav.console-nav a[aria-current=');
    }
  });
});
