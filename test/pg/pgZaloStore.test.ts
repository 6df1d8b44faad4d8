/**
 * The Zalo channel's state on PostgreSQL (storage/pg/pgZaloStore.ts), as the
 * app role: tokens sealed at rest and rotated by exactly one process when
 * two race a refresh (the token row's lock), a redelivered webhook recorded
 * once whichever process receives it, residents' windows, and one commune's
 * rows invisible to another's store.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenManager } from '../../src/channels/zalo/tokens.js';
import type { RefreshedTokens } from '../../src/channels/zalo/oauth.js';
import { PgZaloStore } from '../../src/storage/pg/pgZaloStore.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { createSecretBox } from '../../src/storage/secretBox.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const A = 'xa-a';
const B = 'xa-b';
const APP = '1234567890';
const box = createSecretBox(randomBytes(32));

/** Resolves once `check` holds, looking every 20 ms (a bounded wait, not a timing assertion). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

describe('the PostgreSQL Zalo store', () => {
  let t: TestDatabase;
  let one: Kysely<Database>;
  let two: Kysely<Database>;
  let admin: Kysely<Database>;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    // Two pools: two processes of the service.
    one = connect<Database>(t.appUrl, 2);
    two = connect<Database>(t.appUrl, 2);
    admin = connect<Database>(t.adminUrl, 1);
    for (const commune of [A, B]) {
      await withCommune(one, commune, (trx) =>
        trx
          .insertInto('communes')
          .values({ id: commune, name: `Xã ${commune}` })
          .execute(),
      );
    }
  });
  afterAll(async () => {
    await one?.destroy();
    await two?.destroy();
    await admin?.destroy();
    await t?.drop();
  });

  it('calls the token endpoint once when two processes refresh at the same time', async () => {
    const clock = fixedClock();
    const first = new PgZaloStore(one, A, APP, box);
    const second = new PgZaloStore(two, A, APP, box);
    expect(await first.seedRefreshToken('refresh-0', clock.now())).toBe(true);

    const spent: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const endpoint = async (refreshToken: string): Promise<RefreshedTokens> => {
      spent.push(refreshToken);
      await gate; // Zalo answering slowly: the other process must wait on the row meanwhile.
      return { accessToken: `access-${spent.length}`, refreshToken: `refresh-${spent.length}`, expiresIn: 3600 };
    };
    const manager = (store: PgZaloStore): TokenManager =>
      new TokenManager({ store, refresh: endpoint, clock, logger: memoryLogger().logger });

    const a = manager(first).refresh('expired or missing');
    const b = manager(second).refresh('expired or missing');
    // One process is in the call, the other waits on the token row's lock.
    await until(async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT COUNT(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(admin);
      return spent.length === 1 && (rows[0]?.n ?? 0) === 1;
    }, 'one refresh in flight and one waiting on the lock');
    release();

    expect(await Promise.all([a, b])).toEqual(['access-1', 'access-1']);
    expect(spent).toEqual(['refresh-0']);
    expect(await second.tokens()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    // Sealed at rest: the database holds no usable token.
    const row = await admin.selectFrom('zalo_tokens').selectAll().where('commune_id', '=', A).executeTakeFirstOrThrow();
    expect(row.access_token).toMatch(/^enc:v1:/);
    expect(row.refresh_token).toMatch(/^enc:v1:/);
    expect(JSON.stringify(row)).not.toContain('refresh-1');
  });

  it('stores nothing when the refresh fails, and records why', async () => {
    const clock = fixedClock();
    const store = new PgZaloStore(one, A, 'app-failing', box);
    await store.setRefreshToken('refresh-x', clock.now());
    const tokens = new TokenManager({
      store,
      refresh: () => Promise.reject(new Error('Zalo is down')),
      clock,
      logger: memoryLogger().logger,
    });
    await expect(tokens.refresh('expired or missing')).rejects.toThrow('Zalo is down');
    expect(await store.tokens()).toMatchObject({
      refreshToken: 'refresh-x',
      lastError: expect.stringContaining('down'),
    });
    expect((await store.tokens()).accessToken).toBeUndefined();
  });

  it('seeds the environment token once, not again after it was rotated', async () => {
    const store = new PgZaloStore(one, A, 'app-seed', box);
    const at = new Date('2026-12-01T08:00:00.000Z');
    expect(await store.seedRefreshToken('from-env', at)).toBe(true);
    await store.saveRefreshed({ accessToken: 'a1', refreshToken: 'r1', expiresAt: new Date(at.getTime() + 1000) }, at);
    expect(await store.seedRefreshToken('from-env', at)).toBe(false);
    expect((await store.tokens()).refreshToken).toBe('r1');
  });

  it('records a redelivered event once, whichever process receives it', async () => {
    const at = new Date('2026-12-01T08:00:00.000Z');
    const first = new PgZaloStore(one, A, APP, box);
    const second = new PgZaloStore(two, A, APP, box);
    const fresh = await Promise.all([
      first.receive('msg:42', 'u1', '{"kind":"text"}', at),
      second.receive('msg:42', 'u1', '{"kind":"text"}', at),
    ]);
    expect(fresh.filter(Boolean)).toHaveLength(1);
    expect(await first.unhandled(10)).toEqual([{ key: 'msg:42', userId: 'u1', event: '{"kind":"text"}' }]);
    await second.markHandled('msg:42', new Date(at.getTime() + 1000));
    expect(await first.unhandled(10)).toEqual([]);
    expect(await first.receive('msg:42', 'u1', '{"kind":"text"}', at)).toBe(false);
    // Handled and old: pruned; the key no longer blocks (as on SQLite, after the retention).
    expect(await first.prune(new Date(at.getTime() + 60_000))).toMatchObject({ events: 1 });
  });

  it("keeps residents' windows: forward only, inactive until they write, forgotten on erasure", async () => {
    const store = new PgZaloStore(one, A, APP, box);
    const t1 = new Date('2026-12-01T08:00:00.000Z');
    const t0 = new Date('2026-11-30T08:00:00.000Z');
    await store.touch('u2', t1);
    await store.touch('u2', t0);
    expect(await store.resident('u2')).toEqual({ lastInteractionAt: t1, inactive: false });
    await store.markInactive('u2', 'unfollow', t1);
    expect(await store.resident('u2')).toMatchObject({ inactive: true });
    expect(await store.inactiveResidents()).toBe(1);
    await store.touch('u2', t1);
    expect(await store.resident('u2')).toMatchObject({ inactive: false });
    await store.receive('follow:u2', 'u2', '{}', t1);
    await store.markHandled('follow:u2', t1);
    await store.forget('u2');
    expect(await store.resident('u2')).toBeUndefined();
    const events = await admin.selectFrom('zalo_events').select('event_key').where('user_id', '=', 'u2').execute();
    expect(events).toEqual([]);
  });

  it("answers the sender's window check from a turn just committed here, for a few seconds only", async () => {
    const here = new PgZaloStore(one, A, APP, box);
    const other = new PgZaloStore(two, A, APP, box);
    const t1 = new Date('2026-12-01T09:00:00.000Z');
    const later = (ms: number): Date => new Date(t1.getTime() + ms);
    // Another process marked them inactive; this process's turn has just committed their message.
    await other.markInactive('u5', 'unfollow', t1);
    here.noteTurn('u5', t1, t1);
    expect(await here.residentForSend('u5', later(2_000))).toEqual({ lastInteractionAt: t1, inactive: false });
    // After a while the database answers again.
    expect(await here.residentForSend('u5', later(30_000))).toMatchObject({ inactive: true });
    // A refused send here (marked inactive) drops what the turn said at once.
    here.noteTurn('u5', t1, t1);
    await here.markInactive('u5', 'not a follower', later(1_000));
    expect(await here.residentForSend('u5', later(2_000))).toMatchObject({ inactive: true });
  });

  it("writes a turn's own Zalo rows in one statement: window, held replies released, event handled", async () => {
    const store = new PgZaloStore(one, A, APP, box);
    const t0 = new Date('2026-12-01T10:00:00.000Z');
    await store.receive('msg:77', 'u7', '{"kind":"text"}', t0);
    await store.markInactive('u7', 'unfollow', t0);
    await withCommune(one, A, (trx) =>
      trx
        .insertInto('outbox')
        .values({
          commune_id: A,
          channel: 'zalo',
          user_id: 'u7',
          payload_json: '{}',
          status: 'held',
          next_attempt_at: t0.toISOString(),
          created_at: t0.toISOString(),
        })
        .execute(),
    );
    const released = await withCommune(one, A, (trx) =>
      store.turnWrites(trx, { userId: 'u7', handledKey: 'msg:77', interactionAt: t0, at: t0 }),
    );
    expect(released).toBe(1);
    expect(await store.resident('u7')).toEqual({ lastInteractionAt: t0, inactive: false });
    expect(await store.unhandled(10)).not.toContainEqual(expect.objectContaining({ key: 'msg:77' }));
  });

  it("shows commune B's store nothing of commune A's tokens, events or residents", async () => {
    const b = new PgZaloStore(one, B, APP, box);
    expect(await b.tokens()).toEqual({});
    expect(await b.unhandled(10)).toEqual([]);
    expect(await b.resident('u2')).toBeUndefined();
    // The same event id in another commune is another event.
    expect(await b.receive('msg:42', 'u1', '{}', new Date())).toBe(true);
  });
});
