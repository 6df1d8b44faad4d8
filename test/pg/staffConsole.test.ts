/**
 * The staff console's front door over PostgreSQL: the real Hono app
 * (staff/app.ts) on PgStaffStore and PgAuditLog, as the app role, a fresh
 * commune per case. Signing in, the audit trail admins read, logout, the idle
 * expiry, the failed-login lock and the province gate behave as they do on
 * SQLite (test/integration/staff), with the rows where they should be.
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffApp } from '../../src/staff/app.js';
import { createPasswordModule } from '../../src/staff/passwordModule.js';
import { PgAuditLog } from '../../src/storage/pg/pgStaffAudit.js';
import { PgStaffStore } from '../../src/storage/pg/pgStaffStore.js';
import type { TableAccess } from '../contracts/tables.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { postLogin, signIn, TEST_PASSWORD } from '../staffSession.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

let pg: PgContractDb;
beforeAll(async () => {
  pg = await openPgContractDb();
});
afterAll(async () => {
  await pg?.close();
});

const LOCK = { limit: 3, windowMs: 15 * 60_000, baseLockMs: 60_000, maxLockMs: 3_600_000, memoryMs: 86_400_000 };

async function consoleOnPg(): Promise<{
  app: Hono;
  store: PgStaffStore;
  clock: ReturnType<typeof fixedClock>;
  tables: TableAccess;
}> {
  const { communeId, tables } = await pg.commune();
  const clock = fixedClock('2026-12-01T08:00:00.000Z');
  const store = new PgStaffStore(pg.app, communeId);
  const audit = new PgAuditLog(pg.app, communeId, clock);
  const staff = createStaffApp({
    store,
    audit,
    clock,
    logger: memoryLogger().logger,
    secret: randomBytes(32),
    modules: [createPasswordModule({ store, audit, clock })],
    throttle: { account: LOCK, network: { ...LOCK, limit: 50 } },
  });
  const app = new Hono();
  app.route('/staff', staff);
  return { app, store, clock, tables };
}

describe('staff console on PostgreSQL', () => {
  it('signs in, shows admins the audit trail, and logout ends the session row', async () => {
    const t = await consoleOnPg();
    const admin = await signIn(t, { role: 'admin', id: 'lan' });
    expect(admin.principal).toEqual({ id: 'lan', name: 'Quản Trị Viên', role: 'admin' });
    expect(await t.tables.rows('staff_sessions')).toHaveLength(1);

    const audit = await t.app.request('/staff/api/audit?limit=10', { headers: admin.headers() });
    expect(audit.status).toBe(200);
    const { lines } = (await audit.json()) as { lines: { action: string; actorId: string }[] };
    expect(lines.map((l) => [l.action, l.actorId])).toEqual([['staff.login', 'lan']]);

    const out = await t.app.request('/staff/logout', { method: 'POST', headers: admin.headers() });
    expect(out.status).toBe(303);
    expect((await t.app.request('/staff/api/me', { headers: admin.headers() })).status).toBe(401);
    expect(await t.tables.rows('staff_sessions')).toEqual([]);
    expect((await t.tables.rows('staff_audit')).map((r) => r['action'])).toEqual(['staff.login', 'staff.logout']);
  });

  it('ends a session after 12 idle hours and removes its row', async () => {
    const t = await consoleOnPg();
    const admin = await signIn(t, { role: 'admin', id: 'lan' });
    t.clock.set('2026-12-01T19:59:00.000Z');
    expect((await t.app.request('/staff/api/me', { headers: admin.headers() })).status).toBe(200);
    t.clock.set('2026-12-02T08:00:00.000Z');
    expect((await t.app.request('/staff/api/me', { headers: admin.headers() })).status).toBe(401);
    expect(await t.tables.rows('staff_sessions')).toEqual([]);
  });

  it('counts failed logins and locks the name, even for the right password', async () => {
    const t = await consoleOnPg();
    await signIn(t, { role: 'admin', id: 'lan' });
    for (let i = 0; i < 3; i++) expect((await postLogin(t.app, 'lan', 'sai mat khau roi')).status).toBe(401);
    expect((await postLogin(t.app, 'lan', TEST_PASSWORD)).status).toBe(429);
    const failures = await t.tables.rows('staff_login_failures');
    expect(failures.filter((r) => r['kind'] === 'account' && r['key'] === 'lan')).toHaveLength(3);
    expect((await t.tables.rows('staff_audit')).filter((r) => r['action'] === 'staff.login.failed')).toHaveLength(3);
  });

  it('keeps a province account to its own page', async () => {
    const t = await consoleOnPg();
    const officer = await signIn(t, { role: 'province', id: 'tinh', name: 'Cán bộ tỉnh' });
    expect(officer.principal).toEqual({ id: 'tinh', name: 'Cán bộ tỉnh', role: 'province' });
    const home = await t.app.request('/staff', { headers: officer.headers() });
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/staff/tinh');
    expect((await t.app.request('/staff/api/audit', { headers: officer.headers() })).status).toBe(403);
    expect((await t.tables.rows('staff_accounts')).map((r) => [r['id'], r['role'], r['hamlet_id']])).toEqual([
      ['tinh', 'province', null],
    ]);
  });
});
