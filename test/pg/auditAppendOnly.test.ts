/**
 * The staff side's hardening on PostgreSQL:
 * - the audit log is append-only for the service's role (migration 025): it
 *   adds and reads lines, but UPDATE, DELETE and TRUNCATE fail, also after
 *   `grantAppRole` runs again; retention still removes old lines, through the
 *   owner's `prune_staff_audit`, which refuses to touch the last 30 days;
 * - the pruner clears expired staff sessions and stale failed sign-ins of
 *   every commune the install serves, not only of COMMUNE_ID.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgPruner } from '../../src/storage/pg/pgPruner.js';
import { pgPruneExpired } from '../../src/storage/pg/pgRetention.js';
import { PgAuditLog } from '../../src/storage/pg/pgStaffAudit.js';
import { PgStaffStore } from '../../src/storage/pg/pgStaffStore.js';
import { grantAppRole } from '../../src/storage/pg/roles.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import type { RetentionDays } from '../../src/storage/sqlite/retention.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { migrateToLatest, PG_MIGRATIONS } from '../../src/storage/pg/migrations/index.js';
import { connect, createMigratedDatabase, createTestDatabase, type TestDatabase } from './pgTestDb.js';

const NOW = new Date('2026-12-01T08:00:00.000Z');
const DAY = 86_400_000;
const ago = (days: number): Date => new Date(NOW.getTime() - days * DAY);
const DAYS: RetentionDays = { questions: 180, conversations: 90, events: 30, audit: 730 };

/** The SQLSTATE a statement fails with, or 'ok'. */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (err) {
    return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
  }
}

describe('the staff audit log on PostgreSQL is append-only for the service', () => {
  let t: TestDatabase;
  let app: Kysely<Database>;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    app = connect<Database>(t.appUrl, 2);
    for (const c of ['xa-a', 'xa-b']) {
      await withCommune(app, c, (trx) => trx.insertInto('communes').values({ id: c, name: c }).execute());
    }
  }, 60_000);
  afterAll(async () => {
    await app?.destroy();
    await t?.drop();
  });

  /** How a statement of commune xa-a's transaction ends. */
  const denied = (statement: (trx: Transaction<Database>) => Promise<unknown>) =>
    outcome(() => withCommune(app, 'xa-a', statement));

  it('lets the app role add and read lines, never update, delete or truncate them (also after grantAppRole again)', async () => {
    const audit = new PgAuditLog(app, 'xa-a', fixedClock(NOW.toISOString()));
    await audit.record({ actorId: 'an', action: 'staff.login' });
    expect((await audit.recent(10)).map((l) => l.action)).toEqual(['staff.login']);
    const tries = async () => ({
      update: await denied((trx) => sql`UPDATE staff_audit SET action = 'x'`.execute(trx)),
      delete: await denied((trx) => sql`DELETE FROM staff_audit`.execute(trx)),
      truncate: await denied((trx) => sql`TRUNCATE staff_audit`.execute(trx)),
      insert: await denied((trx) =>
        sql`INSERT INTO staff_audit (commune_id, at, actor_id, action) VALUES ('xa-a', ${NOW.toISOString()}, 'an', 'y')`.execute(
          trx,
        ),
      ),
    });
    // 42501: insufficient_privilege.
    expect(await tries()).toEqual({ update: '42501', delete: '42501', truncate: '42501', insert: 'ok' });

    // An install re-runs grantAppRole after each upgrade: it must not hand the rights back.
    const owner = connect<unknown>(t.ownerUrl, 1);
    try {
      await grantAppRole(owner, t.appRole);
    } finally {
      await owner.destroy();
    }
    expect(await tries()).toEqual({ update: '42501', delete: '42501', truncate: '42501', insert: 'ok' });
    expect((await audit.recent(10)).map((l) => l.action)).toEqual(['y', 'y', 'staff.login']);
  });

  it('prunes only lines older than the retention, of its own commune, through prune_staff_audit', async () => {
    for (const [c, days] of [
      ['xa-a', 800],
      ['xa-a', 10],
      ['xa-b', 800],
    ] as const) {
      await new PgAuditLog(app, c, fixedClock(ago(days).toISOString())).record({
        actorId: 'an',
        action: `old-${days}`,
      });
    }
    const report = await pgPruneExpired(app, 'xa-a', DAYS, NOW);
    expect(report).toMatchObject({ staff_audit: 1 });
    const left = async (c: string) => (await new PgAuditLog(app, c, fixedClock()).recent(10)).map((l) => l.action);
    expect(await left('xa-a')).not.toContain('old-800');
    expect(await left('xa-a')).toContain('old-10');
    expect(await left('xa-b')).toEqual(['old-800']);
  });

  it('refuses a cut-off within the last 30 days, and a call outside a commune', async () => {
    const recent = new Date(Date.now() - 5 * DAY).toISOString();
    expect(await denied((trx) => sql`SELECT prune_staff_audit(${recent})`.execute(trx))).toBe('42501');
    expect(await outcome(() => sql`SELECT prune_staff_audit(${ago(800).toISOString()})`.execute(app))).toBe('P0001');
    expect(await new PgAuditLog(app, 'xa-a', fixedClock()).recent(10)).not.toHaveLength(0);
  });
});

describe('migration 025 on an install that already granted its app role', () => {
  it('takes UPDATE and DELETE on staff_audit back from the app role, and only those', async () => {
    const t = await createTestDatabase();
    const owner = connect<unknown>(t.ownerUrl, 1);
    try {
      // An install upgraded from 024: the app role was granted every right on every table.
      const upTo024 = Object.fromEntries(Object.entries(PG_MIGRATIONS).filter(([name]) => name < '025'));
      await migrateToLatest(owner, upTo024);
      await grantAppRole(owner, t.appRole);
      const rights = async () => {
        const { rows } = await sql<{ table: string; update: boolean; delete: boolean; insert: boolean }>`
          SELECT t AS table,
                 has_table_privilege(${t.appRole}, t, 'UPDATE') AS update,
                 has_table_privilege(${t.appRole}, t, 'DELETE') AS delete,
                 has_table_privilege(${t.appRole}, t, 'INSERT') AS insert
            FROM unnest(ARRAY['staff_audit', 'staff_sessions']) AS t ORDER BY t`.execute(owner);
        return rows;
      };
      expect(await rights()).toEqual([
        { table: 'staff_audit', update: true, delete: true, insert: true },
        { table: 'staff_sessions', update: true, delete: true, insert: true },
      ]);
      // Then 025 (and whatever came after it, which must not give the rights back).
      expect((await migrateToLatest(owner))[0]).toBe('025_staff_audit_append_only');
      expect(await rights()).toEqual([
        { table: 'staff_audit', update: false, delete: false, insert: true },
        { table: 'staff_sessions', update: true, delete: true, insert: true },
      ]);
    } finally {
      await owner.destroy();
      await t.drop();
    }
  }, 60_000);
});

describe('the pruner clears staff sign-ins of every commune the install serves', () => {
  let t: TestDatabase;
  let app: Kysely<Database>;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    app = connect<Database>(t.appUrl, 2);
    for (const c of ['xa-a', 'xa-b', 'xa-c']) {
      await withCommune(app, c, (trx) => trx.insertInto('communes').values({ id: c, name: c }).execute());
      const store = new PgStaffStore(app, c);
      await store.addAccount({ id: 'an', name: 'Nguyễn Văn An', role: 'admin' }, ago(10));
      // The live session first: adding a session clears the commune's sessions expired by then.
      await store.addSession(`live-${c}`, 'an', NOW, new Date(NOW.getTime() + DAY));
      await store.addSession(`old-${c}`, 'an', ago(3), ago(2));
      // Likewise a failure clears older ones: the recent one first, nothing forgotten yet.
      await store.addFailure([{ kind: 'network', key: '10.0.0.1' }], new Date(NOW.getTime() - 3_600_000), new Date(0));
      await store.addFailure([{ kind: 'network', key: '10.0.0.1' }], ago(3), new Date(0));
    }
  }, 60_000);
  afterAll(async () => {
    await app?.destroy();
    await t?.drop();
  });

  const left = (c: string) =>
    withCommune(app, c, async (trx) => ({
      sessions: (await trx.selectFrom('staff_sessions').select('id_hash').orderBy('id_hash').execute()).map(
        (r) => r.id_hash,
      ),
      failures: (await trx.selectFrom('staff_login_failures').select('at').execute()).length,
    }));

  it('clears expired sessions and failures past the throttle memory in each commune, keeps the live ones', async () => {
    const { logger } = memoryLogger();
    const communes = ['xa-a', 'xa-b'];
    const pruner = startPgPruner({
      db: app,
      communes: () => communes,
      days: DAYS,
      clock: fixedClock(NOW.toISOString()),
      logger,
      firstMs: 3_600_000,
    });
    try {
      expect(await pruner.run()).toEqual({ staff_sessions: 2, staff_login_failures: 2 });
    } finally {
      await pruner.stop();
    }
    expect(await left('xa-a')).toEqual({ sessions: ['live-xa-a'], failures: 1 });
    expect(await left('xa-b')).toEqual({ sessions: ['live-xa-b'], failures: 1 });
    // A commune the install does not serve is left alone.
    expect(await left('xa-c')).toEqual({ sessions: ['live-xa-c', 'old-xa-c'], failures: 2 });
  });
});
