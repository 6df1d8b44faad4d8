/**
 * The console as `npm start` serves it: mounted at /staff on the real
 * listener, under the app's strict CSP, with its key kept in the database
 * (a restart keeps staff signed in).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/server.js';
import { createServices, type Services } from '../../../src/services.js';
import { addStaffAccount } from '../../../src/staff/accounts.js';
import { staffParts, staffSecret } from '../../../src/staff/compose.js';
import { hashPassword } from '../../../src/staff/password.js';
import { hashToken } from '../../../src/staff/signing.js';
import { openDatabase } from '../../../src/storage/sqlite/db.js';
import { fixedClock, memoryLogger, tempDir, testConfig } from '../../helpers.js';
import { formTokenIn } from '../../staffSession.js';

const PASSWORD = 'hoa sen nở giữa đầm 2026';

describe('the staff console on the real server', () => {
  let tmp: ReturnType<typeof tempDir>;
  let services: Services;
  let server: RunningServer | undefined;
  let base = '';

  beforeAll(async () => {
    tmp = tempDir('hocvuso-staff-server-');
    services = createServices(testConfig({ DATABASE_PATH: join(tmp.dir, 'hocvuso.db') }), memoryLogger().logger);
    server = await startServer(services, memoryLogger().logger, [], { healthReuseMs: 0 });
    base = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server?.stop();
    services?.close();
    tmp?.cleanup();
  });

  it('keeps everything but the login page behind a session, under the strict CSP', async () => {
    const me = await fetch(`${base}/staff/api/me`);
    expect(me.status).toBe(401);
    const home = await fetch(`${base}/staff`, { redirect: 'manual' });
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/staff/login');
    const login = await fetch(`${base}/staff/login`);
    expect(login.status).toBe(200);
    expect(login.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(login.headers.get('content-security-policy')).toContain("style-src 'self'");
    // Under 'no-referrer' browsers post the login form with `Origin: null`, which the front door refuses.
    expect(login.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('signs a staff member in over HTTP and keeps one key across restarts', async () => {
    const clock = fixedClock(new Date().toISOString());
    const { store } = staffParts(services.db, services.config.COMMUNE_ID, clock);
    const added = await addStaffAccount(store, { id: 'lan', name: 'Nguyễn Thị Lan', role: 'admin' }, { clock });
    await store.useSetupToken(
      hashToken(added?.token ?? ''),
      await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }),
      clock.now(),
    );

    const page = await fetch(`${base}/staff/login`);
    const formCookie = (page.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    const res = await fetch(`${base}/staff/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: formCookie, 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: new URLSearchParams({ _csrf: formTokenIn(await page.text()), login: 'lan', password: PASSWORD }),
    });
    expect(res.status).toBe(303);
    const session = (res.headers.getSetCookie().find((l) => l.startsWith('hocvuso_staff=')) ?? '').split(';')[0] ?? '';
    const me = await fetch(`${base}/staff/api/me`, { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: 'lan', role: 'admin' });
    // Another process on the same file (a restart) derives the same key, so the cookie stays valid.
    const again = openDatabase(services.config.DATABASE_PATH);
    expect(staffSecret(again, services.config)).toEqual(staffSecret(services.db, services.config));
    expect(staffSecret(again, services.config)).not.toEqual(staffSecret(again, { SESSION_SECRET: 's'.repeat(32) }));
    again.close();
  });
});
