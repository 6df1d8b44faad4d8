/**
 * One commune's conversation on PostgreSQL (src/pgCommune.ts): the bundled
 * knowledge indexed into the database answers as the SQLite install does,
 * `cli ask --json` answers from it when DATABASE_URL is set, and a channel's
 * turn on it saves the conversation, the claim and the replies together.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { openPgCommune, type PgCommune } from '../../src/pgCommune.js';
import { createServices, type Services } from '../../src/services.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { runAsk } from '../../src/cli/ask.js';
import { Writable } from 'node:stream';
import { fixedClock, memoryLogger, testConfig } from '../helpers.js';
import { connect, createMigratedDatabase, createTestDatabase, type TestDatabase } from './pgTestDb.js';

const QUESTIONS = [
  'quên mật khẩu VNeID thì làm sao',
  'lam can cuoc cho tre em o dau',
  'đăng ký tạm trú online thế nào',
  'bị lừa chuyển tiền thì làm gì',
  'thời tiết hôm nay thế nào',
];

describe('a commune on PostgreSQL', () => {
  let t: TestDatabase;
  let pg: Kysely<Database>;
  let commune: PgCommune;
  let lite: Services;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    pg = connect<Database>(t.appUrl, 4);
    const clock = fixedClock();
    commune = await openPgCommune(testConfig(), memoryLogger().logger, pg, 'xa-pg', { clock });
    lite = createServices(testConfig(), memoryLogger().logger, { clock });
    await lite.ingest();
  }, 120_000);
  afterAll(async () => {
    lite?.close();
    await pg?.destroy();
    await t?.drop();
  });

  it('answers as the SQLite install does, from the knowledge indexed into its rows', async () => {
    for (const q of QUESTIONS) {
      const [a, b] = [await commune.engine.ask(q), await lite.engine.ask(q)];
      expect({ q, text: a.text, confident: a.confident, refs: a.sources.map((s) => s.ref) }).toEqual({
        q,
        text: b.text,
        confident: b.confident,
        refs: b.sources.map((s) => s.ref),
      });
    }
  });

  it('runs a channel turn: state, claim and replies in one commit, a redelivery answered once', async () => {
    const turn = {
      message: { channel: 'web' as const, userId: 'u-1', text: 'quên mật khẩu VNeID thì làm sao' },
      claim: 'web:1',
      userId: 'u-1',
      outbox: { channel: 'web' },
      render: (replies: readonly { text: string }[]) => replies.map((r) => ({ text: r.text })),
    };
    const first = await commune.turns.run(turn);
    const again = await commune.turns.run(turn);
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    const rows = await withCommune(pg, 'xa-pg', async (trx) => ({
      claims: await trx.selectFrom('turn_claims').select('claim_key').execute(),
      outbox: await trx.selectFrom('outbox').select(['user_id', 'channel']).where('user_id', '=', 'u-1').execute(),
      state: await trx.selectFrom('conversation_state').select('user_id').where('user_id', '=', 'u-1').execute(),
    }));
    expect(rows.claims.map((r) => r.claim_key)).toEqual(['web:1']);
    expect(rows.outbox.length).toBeGreaterThan(0);
    expect(rows.state).toHaveLength(1);
  });

  it('keeps its rows to itself: another commune in the same database sees none of them', async () => {
    const other = await withCommune(pg, 'xa-khac', async (trx) => {
      const { rows } = await sql<{ n: number }>`SELECT COUNT(*)::int AS n FROM documents`.execute(trx);
      return rows[0]?.n;
    });
    expect(other).toBe(0);
    const own = await withCommune(pg, 'xa-pg', async (trx) => {
      const { rows } = await sql<{ n: number }>`SELECT COUNT(*)::int AS n FROM documents`.execute(trx);
      return rows[0]?.n;
    });
    expect(own).toBeGreaterThan(50);
  });

  it('answers `cli ask --json` from PostgreSQL when DATABASE_URL is set', async () => {
    const out: string[] = [];
    const stdout = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out.push(chunk.toString('utf8'));
        cb();
      },
    });
    const config = testConfig({ DATABASE_URL: t.appUrl, COMMUNE_ID: 'xa-pg' });
    const code = await runAsk(
      { config, logger: memoryLogger().logger, args: [], stdout },
      { values: { json: true }, positionals: ['quên mật khẩu VNeID thì làm sao'] },
    );
    expect(code).toBe(0);
    const answer = JSON.parse(out.join('')) as { answer: string; confident: boolean; sources: { ref: string }[] };
    const expected = await lite.engine.ask('quên mật khẩu VNeID thì làm sao');
    expect(answer.answer).toBe(expected.text);
    expect(answer.sources.map((s) => s.ref)).toEqual(expected.sources.map((s) => s.ref));
  });

  it('says in Vietnamese what to run when the database has no tables yet', async () => {
    const empty = await createTestDatabase();
    const errors: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    });
    try {
      const config = testConfig({ DATABASE_URL: empty.appUrl, COMMUNE_ID: 'xa-pg' });
      const stdout = new Writable({ write: (_c, _e, cb) => cb() });
      const code = await runAsk(
        { config, logger: memoryLogger().logger, args: [], stdout },
        { values: { json: true }, positionals: ['quên mật khẩu VNeID'] },
      );
      expect(code).toBe(1);
      expect(errors.join('')).toMatch(/chưa có các bảng của Hocvuso.*migrate-to-pg/u);
    } finally {
      spy.mockRestore();
      await empty.drop();
    }
  });
});
