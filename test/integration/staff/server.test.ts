/**
 * The console as `npm start` serves it, on SQLite or PostgreSQL
 * (test/testService.ts): mounted at /staff on the real listener, under the
 * app's strict CSP, with its key kept in the database (a restart, or another
 * process on the same database, keeps staff signed in; SESSION_SECRET
 * replaces it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../helpers.js';
import { signIn } from '../../staffSession.js';
import { testService, type TestService } from '../../testService.js';

describe('the staff console on the real server', () => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await testService();
  });

  afterAll(async () => {
    await svc?.close();
  });

  it('keeps everything but the login page behind a session, under the strict CSP', async () => {
    const me = await svc.request('/staff/api/me');
    expect(me.status).toBe(401);
    const home = await svc.request('/staff');
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/staff/login');
    const login = await svc.request('/staff/login');
    expect(login.status).toBe(200);
    expect(login.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(login.headers.get('content-security-policy')).toContain("style-src 'self'");
    // Under 'no-referrer' browsers post the login form with `Origin: null`, which the front door refuses.
    expect(login.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('signs a staff member in over HTTP and keeps one key across restarts', async () => {
    // The console reads the system clock, as `npm start` does.
    const clock = fixedClock(new Date().toISOString());
    const session = await signIn(
      { app: svc, store: svc.staff, clock },
      { id: 'lan', name: 'Nguyễn Thị Lan', role: 'admin' },
    );
    expect(session.principal).toMatchObject({ id: 'lan', role: 'admin' });
    const me = await svc.request('/staff/api/me', { headers: { cookie: session.cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: 'lan', role: 'admin' });

    // Another process on the same database (a restart) derives the same key, so the cookie stays valid.
    const again = await svc.another();
    const there = await again.request('/staff/api/me', { headers: { cookie: session.cookie } });
    expect(there.status).toBe(200);
    expect(await there.json()).toMatchObject({ id: 'lan', role: 'admin' });
    // With SESSION_SECRET the key is that one, and a cookie signed with the stored key proves nothing.
    const own = await svc.another({ SESSION_SECRET: 's'.repeat(32) });
    expect((await own.request('/staff/api/me', { headers: { cookie: session.cookie } })).status).toBe(401);
  });
});
