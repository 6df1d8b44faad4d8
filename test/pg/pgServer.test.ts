/**
 * `npm start` with DATABASE_URL (src/pgRun.ts, src/pgServer.ts): two
 * services on one PostgreSQL database, as two processes behind a proxy, serve
 * one resident's quiz turn by turn, the commune's page and /healthz, another
 * commune's page at /x/<id>/, and refuse clearly a database with no tables.
 * Real HTTP on loopback, real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { runService, type RunningService } from '../../src/run.js';
import { openPgCommune } from '../../src/pgCommune.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { memoryLogger, testConfig } from '../helpers.js';
import { connect, createMigratedDatabase, createTestDatabase, type TestDatabase } from './pgTestDb.js';

const HOME = 'hung-chau';
const OTHER = 'xa-khac';

interface Reply {
  readonly text: string;
  readonly buttons?: readonly { label: string; value: string }[];
}

/** A browser of one resident: keeps the session cookie whichever process answers. */
class Visitor {
  private cookie = '';

  async chat(base: string, body: { text?: string; choice?: string }): Promise<Reply[]> {
    const res = await fetch(`${base}api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.cookie && { cookie: this.cookie }) },
      body: JSON.stringify({ user: 'test', ...body }),
    });
    expect(res.status).toBe(200);
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0] ?? '';
    return ((await res.json()) as { replies: Reply[] }).replies;
  }
}

const buttonsOf = (replies: readonly Reply[]): { label: string; value: string }[] =>
  replies.flatMap((r) => r.buttons ?? []);

describe('the service on PostgreSQL, two processes on one database', () => {
  let t: TestDatabase;
  let a: RunningService;
  let b: RunningService;
  let pg: Kysely<Database>;
  const urlOf = (s: RunningService): string => `http://127.0.0.1:${s.port}/`;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    pg = connect<Database>(t.appUrl, 2);
    const config = testConfig({ DATABASE_URL: t.appUrl, COMMUNE_ID: HOME });
    // A second commune with a row, as `cli commune add` leaves it.
    await openPgCommune(testConfig({ DATABASE_URL: t.appUrl }), memoryLogger().logger, pg, OTHER);
    a = await runService(config, memoryLogger().logger, {});
    b = await runService(config, memoryLogger().logger, {});
  }, 180_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await pg?.destroy();
    await t?.drop();
  });

  it('answers /healthz with a real write, and the chat page with its own relative addresses', async () => {
    const health = await fetch(`${urlOf(a)}healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: true });
    const page = await (await fetch(urlOf(b))).text();
    expect(page).toContain('src="assets/chat.js"');
    const rows = await withCommune(pg, HOME, (trx) => trx.selectFrom('health_checks').select('commune_id').execute());
    expect(rows.map((r) => r.commune_id)).toEqual([HOME]);
  });

  it('answers a question with its sources, as the single-commune install does', async () => {
    const replies = await new Visitor().chat(urlOf(a), { text: 'VNeID là gì?' });
    expect(replies[0]?.text).toMatch(/VNeID/);
    expect(JSON.stringify(replies)).toContain('sources');
  });

  it("keeps one resident's quiz across the two processes: each answer reaches the state the other saved", async () => {
    const v = new Visitor();
    const list = await v.chat(urlOf(a), { choice: 'quiz:list' });
    const start = buttonsOf(list).find((btn) => btn.value.startsWith('quiz:') && btn.value !== 'quiz:list');
    expect(start).toBeDefined();
    let replies = await v.chat(urlOf(b), { choice: start?.value ?? '' });
    const servers = [a, b];
    let last = '';
    for (let turn = 0; turn < 30; turn += 1) {
      last = replies.map((r) => r.text).join('\n');
      if (/Bà con trả lời đúng \d+\/\d+ câu/.test(last)) break;
      const answer = buttonsOf(replies)[0];
      expect(answer, `no answer button after: ${last}`).toBeDefined();
      // Every answer goes to the other process than the one before.
      replies = await v.chat(urlOf(servers[turn % 2] ?? a), { choice: answer?.value ?? '' });
    }
    expect(last).toMatch(/Bà con trả lời đúng \d+\/\d+ câu/);
    const attempts = await withCommune(pg, HOME, (trx) => trx.selectFrom('quiz_attempts').select('id').execute());
    expect(attempts).toHaveLength(1);
  });

  it("serves another commune's page and chat at /x/<id>/, its turns kept in that commune's rows", async () => {
    const bare = await fetch(`${urlOf(a)}x/${OTHER}`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe(`/x/${OTHER}/`);
    const page = await fetch(`${urlOf(a)}x/${OTHER}/`);
    expect(page.status).toBe(200);
    expect((await fetch(`${urlOf(a)}x/${OTHER}/assets/chat.js`)).status).toBe(200);
    const replies = await new Visitor().chat(`${urlOf(b)}x/${OTHER}/`, { text: 'quên mật khẩu VNeID thì làm sao' });
    expect(replies[0]?.text.length).toBeGreaterThan(20);
    const [home, other] = await Promise.all(
      [HOME, OTHER].map((id) =>
        withCommune(pg, id, (trx) => trx.selectFrom('conversation_state').select('user_id').execute()),
      ),
    );
    expect(other).toHaveLength(1);
    // The home commune's conversations are the two residents above, not this one.
    expect(home).toHaveLength(2);
  });

  it("gives each commune's page its own session cookie, so one browser is one visitor in each", async () => {
    const cookieOf = async (path: string): Promise<string> => {
      const res = await fetch(`${urlOf(a)}${path}api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'test', text: 'xin chào' }),
      });
      return res.headers.get('set-cookie') ?? '';
    };
    const home = await cookieOf('');
    const other = await cookieOf(`x/${OTHER}/`);
    expect(home).toMatch(/^hocvuso_sid=/);
    expect(other).toMatch(new RegExp(`^hocvuso_sid_${OTHER}=`));
  });
});

describe('the service on a PostgreSQL database without tables', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    await t?.drop();
  });

  it('refuses to start, saying in Vietnamese to run migrate-to-pg', async () => {
    const config = testConfig({ DATABASE_URL: t.appUrl });
    await expect(runService(config, memoryLogger().logger, {})).rejects.toThrow(/migrate-to-pg/);
  });
});
