/**
 * Channels as rows on PostgreSQL (storage/pg/pgChannelRepo.ts, migration
 * 024_channel_lookup), as the app role: secrets sealed at rest, one enabled
 * channel of a kind per commune, and the webhook's lookup of a key before its
 * commune is known, which finds that one row while the app role still
 * cannot SELECT another commune's channel rows.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSecrets } from '../../src/core/stores/channels.js';
import { PgChannelRepo } from '../../src/storage/pg/pgChannelRepo.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { createSecretBox } from '../../src/storage/secretBox.js';
import { runChannel } from '../../src/cli/channel.js';
import type { CliContext } from '../../src/cli/index.js';
import { fixedClock, memoryLogger, tempDir, testConfig } from '../helpers.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const A = 'xa-a';
const B = 'xa-b';
const NOW = new Date('2026-12-07T02:00:00.000Z');
const TOKEN_A = '111111:AAAAAAAAAAAAAAAAAAAAAAAA';
const TOKEN_B = '222222:BBBBBBBBBBBBBBBBBBBBBBBB';
const box = createSecretBox(randomBytes(32));
const telegram = (botToken: string): ChannelSecrets => ({ kind: 'telegram', botToken, webhookSecret: 'hook-secret' });

describe('the PostgreSQL channel rows', () => {
  let t: TestDatabase;
  let app: Kysely<Database>;
  let admin: Kysely<Database>;
  let keyA: string;
  let keyB: string;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    app = connect<Database>(t.appUrl, 2);
    admin = connect<Database>(t.adminUrl, 1);
    for (const commune of [A, B]) {
      await withCommune(app, commune, (trx) =>
        trx
          .insertInto('communes')
          .values({ id: commune, name: `Xã ${commune}` })
          .execute(),
      );
    }
    const repo = new PgChannelRepo(
      app,
      () => box,
      () => [A, B],
    );
    const a = await repo.add(A, telegram(TOKEN_A), NOW);
    const b = await repo.add(B, telegram(TOKEN_B), NOW);
    if (!a.ok || !b.ok) throw new Error('rows not added');
    keyA = a.row.publicKey;
    keyB = b.row.publicKey;
  });
  afterAll(async () => {
    await app?.destroy();
    await admin?.destroy();
    await t?.drop();
  });

  it('stores the secrets sealed, and refuses a second enabled bot or an unknown commune', async () => {
    const rows = await admin.selectFrom('channels').select(['public_key', 'secrets']).execute();
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.secrets).toMatch(/^enc:v1:/);
      expect(r.secrets).not.toContain('111111');
    }
    const repo = new PgChannelRepo(
      app,
      () => box,
      () => [A],
    );
    expect(await repo.add(A, telegram(TOKEN_A), NOW)).toEqual({ ok: false, reason: 'already_enabled' });
    expect(await repo.add('xa-chua-co', telegram(TOKEN_A), NOW)).toEqual({ ok: false, reason: 'unknown_commune' });
  });

  it("finds a key's row before its commune is known, and opens its secrets", async () => {
    // A process serving only commune A still resolves B's key: the webhook runtime then decides it is not served.
    const repo = new PgChannelRepo(
      app,
      () => box,
      () => [A],
    );
    const found = await repo.find('telegram', keyB);
    expect(found?.row).toMatchObject({ communeId: B, kind: 'telegram', publicKey: keyB, enabled: true });
    expect(found?.secrets()).toEqual(telegram(TOKEN_B));
    expect(await repo.find('zalo', keyB)).toBeUndefined();
    expect(await repo.find('telegram', 'khong-co-khoa-nay-aaaaaaaaaaaaaaa')).toBeUndefined();
  });

  it("still shows the app role none of another commune's channel rows", async () => {
    const inA = await withCommune(app, A, (trx) => trx.selectFrom('channels').select(['public_key']).execute());
    expect(inA.map((r) => r.public_key)).toEqual([keyA]);
    const bFromA = await withCommune(app, A, (trx) =>
      trx.selectFrom('channels').selectAll().where('public_key', '=', keyB).execute(),
    );
    expect(bFromA).toEqual([]);
    // Outside any commune: nothing at all.
    expect(await app.selectFrom('channels').selectAll().execute()).toEqual([]);
    // The lookup function is the app role's only way past the fence, and nobody else's.
    const rights = await sql<{ app: boolean; acl: string }>`
      SELECT has_function_privilege(${t.appRole}, 'channel_by_key(text)', 'EXECUTE') AS app,
             array_to_string(proacl, ',') AS acl
        FROM pg_proc WHERE proname = 'channel_by_key'`.execute(admin);
    expect(rights.rows[0]?.app).toBe(true);
    expect(rights.rows[0]?.acl).not.toMatch(/(^|,)=X/);
  });

  it("lists and serves only the process's communes, and disables a row by its key", async () => {
    const onlyA = new PgChannelRepo(
      app,
      () => box,
      () => [A],
    );
    expect((await onlyA.list()).map((r) => r.publicKey)).toEqual([keyA]);
    expect((await onlyA.enabled('telegram')).map((c) => c.row.publicKey)).toEqual([keyA]);
    const both = new PgChannelRepo(
      app,
      () => box,
      () => [A, B],
    );
    expect((await both.list()).map((r) => r.publicKey)).toEqual([keyA, keyB]);
    expect((await both.list(B)).map((r) => r.publicKey)).toEqual([keyB]);

    expect(await onlyA.disable(keyB, NOW)).toBe(true);
    expect(await onlyA.disable(keyB, NOW)).toBe(false);
    expect(await both.find('telegram', keyB)).toBeUndefined();
    expect((await both.enabled('telegram')).map((c) => c.row.publicKey)).toEqual([keyA]);
    expect((await both.list(B))[0]).toMatchObject({ publicKey: keyB, enabled: false });
    // B may now have a new bot.
    expect(await both.add(B, telegram(TOKEN_B), NOW)).toMatchObject({ ok: true });
  });

  it('is what `cli channel` adds to and lists when DATABASE_URL is set', async () => {
    const dir = tempDir();
    try {
      await withCommune(app, 'xa-c', (trx) =>
        trx.insertInto('communes').values({ id: 'xa-c', name: 'Xã C' }).execute(),
      );
      const text: string[] = [];
      const ctx: CliContext = {
        config: testConfig({ DATABASE_URL: t.appUrl, DATABASE_PATH: `${dir.dir}/unused.db`, COMMUNE_ID: 'xa-c' }),
        logger: memoryLogger().logger,
        args: [],
        stdout: { write: (chunk: string) => text.push(chunk) > 0 } as unknown as NodeJS.WritableStream,
      };
      const io = { readStdin: () => TOKEN_A, env: {}, clock: fixedClock() };
      expect(await runChannel(ctx, ['add', 'telegram', '--commune', 'xa-c'], io)).toBe(0);
      const key = /\/webhooks\/telegram\/([A-Za-z0-9_-]{32})/.exec(text.join(''))?.[1];
      expect(key).toBeDefined();
      text.length = 0;
      expect(await runChannel(ctx, ['list', '--json'], io)).toBe(0);
      expect(JSON.parse(text.join(''))).toEqual([expect.objectContaining({ communeId: 'xa-c', publicKey: key })]);
      // The row is PostgreSQL's, sealed with the key file the CLI made.
      const row = await admin.selectFrom('channels').selectAll().where('public_key', '=', key!).executeTakeFirst();
      expect(row?.secrets).toMatch(/^enc:v1:/);
    } finally {
      dir.cleanup();
    }
  });
});
