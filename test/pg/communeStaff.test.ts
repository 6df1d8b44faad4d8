/**
 * The staff console of a commune other than the install's own, on
 * PostgreSQL (pgServer.ts, staff/rebase.ts): served at `/x/<id>/staff` with
 * its own accounts, sessions and key. Staff of the install's commune cannot
 * sign in there, and a session of one commune opens nothing in the other;
 * the pages, redirects and cookies all stay inside the commune's folder, so
 * two communes' sessions in one browser on one address never collide. Real
 * HTTP on loopback, real PostgreSQL.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgCommune, type PgCommune } from '../../src/pgCommune.js';
import { startPgServer } from '../../src/pgServer.js';
import type { RunningServer } from '../../src/http/serve.js';
import { PgStaffStore } from '../../src/storage/pg/pgStaffStore.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { fixedClock, memoryLogger, testConfig } from '../helpers.js';
import { createStaffAccount, formTokenIn, TEST_PASSWORD } from '../staffSession.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const HOME = 'hung-chau';
const B = 'xa-b';

interface Cookie {
  readonly name: string;
  readonly value: string;
  readonly path: string;
}

/** A browser's cookie jar, by name and path, sending a cookie only under its path (RFC 6265 §5.1.4). */
class Browser {
  private readonly jar = new Map<string, Cookie>();

  constructor(private readonly base: string) {}

  cookies(): readonly Cookie[] {
    return [...this.jar.values()];
  }

  private header(path: string): string {
    const under = (p: string) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`);
    return this.cookies()
      .filter((c) => under(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.header(path.split('?')[0] ?? path) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const gone = value === '' || attrs.some((a) => /^max-age=0$/i.test(a));
      if (gone) this.jar.delete(`${name} ${path}`);
      else this.jar.set(`${name} ${path}`, { name, value, path });
    }
    return res;
  }

  /** Fetches the console's login form under `consolePath`, then posts it. */
  async login(consolePath: string, login: string, password: string): Promise<Response> {
    const form = await this.request(`${consolePath}/login`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain(`action="${consolePath}/login"`);
    return this.request(`${consolePath}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.base },
      body: new URLSearchParams({ _csrf: formTokenIn(html), login, password }).toString(),
    });
  }
}

describe("another commune's staff console at /x/<id>/staff", () => {
  let t: TestDatabase;
  let pg: Kysely<Database>;
  let server: RunningServer;
  let base: string;
  const clock = fixedClock(new Date().toISOString());

  beforeAll(async () => {
    t = await createMigratedDatabase();
    pg = connect<Database>(t.appUrl, 8);
    const config = testConfig({ DATABASE_URL: t.appUrl, COMMUNE_ID: HOME });
    const logger = memoryLogger().logger;
    const home: PgCommune = await openPgCommune(config, logger, pg, HOME);
    const other: PgCommune = await openPgCommune(config, logger, pg, B);
    await createStaffAccount({ clock, store: new PgStaffStore(pg, HOME) }, { role: 'admin', id: 'lan-a' });
    await createStaffAccount({ clock, store: new PgStaffStore(pg, B) }, { role: 'admin', id: 'lan-b' });
    server = await startPgServer({ pg, config, logger, home, others: [other], healthReuseMs: 0 });
    base = `http://127.0.0.1:${server.port}`;
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await pg?.destroy();
    await t?.drop();
  });

  it("refuses the install's own staff at /x/<id>/staff, and lets the commune's own staff in, in its folder", async () => {
    const browser = new Browser(base);
    const refused = await browser.login(`/x/${B}/staff`, 'lan-a', TEST_PASSWORD);
    expect(refused.status).toBe(401);
    expect(browser.cookies().map((c) => c.name)).not.toContain('hocvuso_staff');

    const signedIn = await browser.login(`/x/${B}/staff`, 'lan-b', TEST_PASSWORD);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe(`/x/${B}/staff`);
    // Every cookie of B's console is limited to B's folder.
    expect(browser.cookies().map((c) => c.path)).toEqual(browser.cookies().map(() => `/x/${B}/staff`));
    const me = await browser.request(`/x/${B}/staff/api/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: 'lan-b', role: 'admin' });
    // Its pages link inside the folder, never to the install's own console.
    const page = await browser.request(`/x/${B}/staff`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`href="/x/${B}/staff/hoi-dap"`);
    expect(html).not.toMatch(/["']\/staff[/"'?#]/);
    // The install's own console does not know this browser.
    expect((await browser.request('/staff/api/me')).status).toBe(401);
  });

  it("keeps two communes' sessions apart in one browser, and one commune's cookie opens nothing in the other", async () => {
    const browser = new Browser(base);
    expect((await browser.login('/staff', 'lan-a', TEST_PASSWORD)).status).toBe(303);
    expect((await browser.login(`/x/${B}/staff`, 'lan-b', TEST_PASSWORD)).status).toBe(303);
    const sessions = browser.cookies().filter((c) => c.name === 'hocvuso_staff');
    expect(sessions.map((c) => c.path).sort()).toEqual(['/staff', `/x/${B}/staff`]);
    expect(await (await browser.request('/staff/api/me')).json()).toMatchObject({ id: 'lan-a' });
    expect(await (await browser.request(`/x/${B}/staff/api/me`)).json()).toMatchObject({ id: 'lan-b' });

    // A's session cookie carried by hand to B's console (and B's to A's) proves nothing there.
    const [a, b] = ['/staff', `/x/${B}/staff`].map((p) => sessions.find((c) => c.path === p));
    const me = (path: string, c: Cookie | undefined) =>
      fetch(`${base}${path}/api/me`, { headers: { cookie: `hocvuso_staff=${c?.value ?? ''}` } });
    expect((await me(`/x/${B}/staff`, a)).status).toBe(401);
    expect((await me('/staff', b)).status).toBe(401);

    // Signing out of B leaves A signed in.
    const token = ((await (await browser.request(`/x/${B}/staff/api/me`)).json()) as { csrfToken: string }).csrfToken;
    const out = await browser.request(`/x/${B}/staff/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: new URLSearchParams({ _csrf: token }).toString(),
    });
    expect(out.status).toBe(303);
    expect((await browser.request(`/x/${B}/staff/api/me`)).status).toBe(401);
    expect((await browser.request('/staff/api/me')).status).toBe(200);
  });
});
