/**
 * `cli migrate-to-pg` end to end: a SQLite file filled through the real
 * services and repositories (citizens with two identities, finished, failed
 * and active attempts, a completed programme and the report tables its
 * triggers fill, outbox rows, a handoff thread with messages, staff accounts
 * and a session, unanswered questions, saved hamlets and contacts, an
 * embedding BLOB, the ingested knowledge) is moved into a fresh PostgreSQL
 * database by the command itself. Every table must then hold the same rows on
 * both sides, value for value (times, 0/1 flags, JSON text, bytes), the report
 * tables not counted twice, row-level security and the report triggers back
 * on, and the next insert must get a fresh id. A second run refuses, --replace
 * replaces, the app role is refused, and a copy that fails half-way leaves
 * PostgreSQL empty.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/index.js';
import { runMigrateToPg } from '../../src/cli/migrateToPg.js';
import type { Attempt } from '../../src/core/quiz/types.js';
import { createServices } from '../../src/services.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { SqliteCommuneSettingsRepo } from '../../src/storage/sqlite/communeSettingsRepo.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqliteEmbeddingCache } from '../../src/storage/sqlite/embeddingCache.js';
import { SqliteOutboxStore } from '../../src/storage/sqlite/outboxStore.js';
import { SqliteStaffStore } from '../../src/storage/sqlite/staffStore.js';
import { fixedClock, memoryLogger, tempDir, testConfig } from '../helpers.js';
import { connect, createMigratedDatabase, createTestDatabase, type TestDatabase } from './pgTestDb.js';

const C = 'hung-chau';
const SQLITE_ONLY = /^(chunks_fts.*|chunks_vocab|sqlite_.*|schema_migrations)$/;

/** Builds the SQLite install the way the service writes it. */
async function fillInstall(file: string): Promise<void> {
  const clock = fixedClock('2026-10-09T18:30:00.000Z');
  const services = createServices(testConfig({ DATABASE_PATH: file }), memoryLogger().logger, { clock });
  try {
    await services.ingest();
    const at = (iso: string) => new Date(iso);
    const { citizens, attempts, db } = services;
    citizens.ensure({ channel: 'telegram', userId: '1001' }, 'c1', at('2026-10-01T01:00:00.000Z'));
    citizens.ensure({ channel: 'zalo', userId: 'z-2002' }, 'c2', at('2026-10-01T02:00:00.000Z'));
    citizens.ensure({ channel: 'web', userId: 'w-3003' }, 'c3', at('2026-10-01T03:00:00.000Z'));
    citizens.update(
      'c1',
      {
        consent: 'given',
        profile: { displayName: 'Nguyễn Thị Hoa', hamlet: 'xom-1', group: 'nguoi-dan', birthYear: 1970 },
      },
      at('2026-10-01T04:00:00.000Z'),
    );
    citizens.update(
      'c2',
      { consent: 'given', profile: { hamlet: 'xom-2', group: 'hoc-sinh-sinh-vien' } },
      at('2026-10-01T04:00:00.000Z'),
    );
    // c1 links a second chat: an identity and a used link code.
    citizens.createLinkCode('c1', 'LINK42', at('2026-10-02T00:00:00.000Z'));
    citizens.redeemLinkCode('LINK42', { channel: 'zalo', userId: 'z-1001' }, at('2026-10-01T05:00:00.000Z'));

    const core = services.commune.coreQuizzes;
    const attempt = (id: string, citizenId: string, quizId: string, startedAt: string): Attempt => ({
      id,
      citizenId,
      quizId,
      quizVersion: 'v1',
      status: 'active',
      current: 0,
      correct: 0,
      order: [[2, 0, 1]],
      answers: [],
      startedAt,
    });
    core.forEach((quizId, i) => {
      const a = attempt(`a-c1-${i}`, 'c1', quizId, '2026-10-09T17:00:00.000Z');
      const finishedAt = `2026-10-09T18:0${i}:00.000Z`; // 01:0i local on Saturday 10 October
      expect(attempts.start(a)).toBe(true);
      const done = {
        ...a,
        status: 'finished' as const,
        current: 1,
        correct: 1,
        answers: [2],
        finishedAt,
        score: 1,
        passed: true,
      };
      const completion = {
        citizenId: 'c1',
        quizId,
        attemptId: a.id,
        score: 1,
        passed: true,
        at: finishedAt,
        coreQuizzes: core,
      };
      expect(attempts.commit(done, 0, completion)).toBe(true);
    });
    const failed = attempt('a-c2-0', 'c2', core[0] ?? 'q', '2026-10-05T10:00:00.000Z');
    attempts.start(failed);
    attempts.commit(
      {
        ...failed,
        status: 'finished',
        current: 1,
        correct: 0,
        answers: [0],
        finishedAt: '2026-10-05T10:05:00.000Z',
        score: 0,
        passed: false,
      },
      0,
    );
    attempts.start(attempt('a-c3-0', 'c3', core[1] ?? 'q', '2026-10-06T10:00:00.000Z'));

    const outbox = new SqliteOutboxStore<{ text: string }>(db, C, 'zalo', services.writes);
    const ids = outbox.enqueue(
      'z-2002',
      [{ text: 'Chào bác, cháu gửi hướng dẫn VNeID.' }, { text: 'Bước 2 …' }],
      at('2026-10-07T00:00:00.000Z'),
    );
    outbox.markSent(ids[0] ?? 0, at('2026-10-07T00:00:01.000Z'), 'zmsg-1');

    const staff = new SqliteStaffStore(db, C);
    staff.addAccount({ id: 'admin1', name: 'Trần Văn Quản', role: 'admin' }, at('2026-09-01T00:00:00.000Z'));
    staff.addAccount(
      { id: 'xom1', name: 'Lê Thị Tổ', role: 'hamlet', hamletId: 'xom-1' },
      at('2026-09-01T00:00:00.000Z'),
    );
    staff.addSession('session-hash', 'admin1', at('2026-10-08T00:00:00.000Z'), at('2026-10-15T00:00:00.000Z'));

    const handoff = services.handoff.store;
    const thread = await handoff.open({
      channel: 'zalo',
      userId: 'z-2002',
      citizenId: 'c2',
      hamletId: 'xom-2',
      reason: 'asked',
      at: at('2026-10-08T01:00:00.000Z'),
    });
    await handoff.append(thread.id, {
      author: 'resident',
      text: 'Cho tôi hỏi cán bộ xã ạ',
      at: at('2026-10-08T01:00:05.000Z'),
    });
    await handoff.append(thread.id, {
      author: 'staff',
      staffId: 'admin1',
      text: 'Dạ, bác cần gì ạ?',
      at: at('2026-10-08T01:02:00.000Z'),
      delivery: 'failed',
    });
    // A resident erased after writing: their thread and message are gone, their ids never come back
    // (AUTOINCREMENT), so PostgreSQL's sequences must start past them, not past the largest id left.
    const gone = await handoff.open({
      channel: 'web',
      userId: 'w-gone',
      reason: 'offered',
      at: at('2026-10-08T05:00:00.000Z'),
    });
    await handoff.append(gone.id, { author: 'resident', text: 'Xin chào', at: at('2026-10-08T05:00:01.000Z') });
    await handoff.forget('web', 'w-gone');

    services.unanswered.record({
      channel: 'web',
      userId: 'w-3003',
      question: 'Làm căn cước cho cháu ở đâu?',
      bestRef: 'faq:x',
      bestScore: 0.125,
      at: at('2026-10-08T02:00:00.000Z'),
    });
    services.unanswered.record({
      channel: 'telegram',
      userId: '1001',
      kind: 'thumbs-down',
      answer: 'Câu trả lời cũ',
      question: 'Đổi mật khẩu VNeID?',
      at: at('2026-10-08T03:00:00.000Z'),
    });

    const settings = new SqliteCommuneSettingsRepo(db, C);
    settings.saveHamlets(
      [
        { id: 'xom-1', name: 'Xóm 1' },
        { id: 'xom-2', name: 'Xóm Đông' },
      ],
      [],
      'admin1',
      at('2026-09-02T00:00:00.000Z'),
    );
    settings.saveContacts({ office: { name: 'Bộ phận một cửa' } }, 'admin1', at('2026-09-02T00:00:00.000Z'));

    new SqliteEmbeddingCache(db).putMany('test-model', [{ hash: 'h1', vector: new Float32Array([0.5, -1.25, 3]) }]);
    await services.writes.settled();
  } finally {
    services.close();
  }
}

/** Every row of every table, sorted, so two databases can be compared whole. */
function sorted<T>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function sqliteTables(db: Db): string[] {
  const rows = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
    name: string;
  }[];
  return rows.map((r) => r.name).filter((n) => !SQLITE_ONLY.test(n));
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString('utf8'));
        cb();
      },
    }),
    text: () => chunks.join(''),
  };
}

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const out = sink();
  const err = sink();
  const ctx: CliContext = { config: testConfig(env), logger: memoryLogger().logger, args, stdout: out.stream };
  const code = await runMigrateToPg(ctx, args, { stderr: err.stream });
  return { code, out: out.text(), err: err.text() };
}

/** Rows of `table` seen by the server's administrator (row-level security does not apply to it). */
async function pgRows(admin: Kysely<unknown>, table: string): Promise<Record<string, unknown>[]> {
  const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(admin);
  return rows;
}

async function pgTotal(admin: Kysely<unknown>, tables: readonly string[]): Promise<number> {
  let n = 0;
  for (const t of tables) {
    const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(t)}`.execute(admin);
    n += Number(rows[0]?.n ?? 0);
  }
  return n;
}

/** Tables still fenced and triggers still on: the copy put back what it lifted. */
async function fenceAndTriggers(admin: Kysely<unknown>): Promise<{ unforced: string[]; disabled: string[] }> {
  const unforced = await sql<{ relname: string }>`
    SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
       AND c.relrowsecurity AND NOT c.relforcerowsecurity`.execute(admin);
  const disabled = await sql<{ tgname: string }>`
    SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'`.execute(admin);
  return { unforced: unforced.rows.map((r) => r.relname), disabled: disabled.rows.map((r) => r.tgname) };
}

describe('cli migrate-to-pg', () => {
  let tmp: { dir: string; cleanup: () => void };
  let file: string;
  let t: TestDatabase;
  let admin: Kysely<unknown>;
  let env: Record<string, string>;
  let first: { code: number; out: string; err: string };

  beforeAll(async () => {
    tmp = tempDir('hocvuso-migrate-');
    file = join(tmp.dir, 'hocvuso.db');
    await fillInstall(file);
    t = await createTestDatabase(); // empty: the command migrates it
    admin = connect<unknown>(t.adminUrl, 1);
    env = { DATABASE_PATH: file, DATABASE_URL: t.ownerUrl };
    first = await cli(['--app-role', t.appRole], env);
  }, 120_000);

  afterAll(async () => {
    await admin?.destroy();
    await t?.drop();
    tmp?.cleanup();
  });

  it('copies every table row for row, and says so in a table for staff', async () => {
    expect(first.err).not.toMatch(/Lỗi/);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^Bảng\s+SQLite\s+PostgreSQL\s+Khớp$/m);
    expect(first.out).toMatch(/^citizens\s+3\s+3\s+có$/m);
    expect(first.out).not.toMatch(/KHÔNG/);
    expect(first.err).toMatch(/^ {2}quiz_attempts: \d+ dòng ✓$/m);
    // The owner's password is never shown; the rest of the address is.
    const password = decodeURIComponent(new URL(t.ownerUrl).password);
    expect(first.err + first.out).not.toContain(password);
    expect(first.err).toContain('***');

    const lite = openDatabase(file);
    try {
      const tables = sqliteTables(lite);
      expect(tables).toEqual(expect.arrayContaining(['citizens', 'handoff_messages', 'report_daily', 'embeddings']));
      for (const table of tables) {
        const want = sorted(lite.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]);
        const got = sorted(await pgRows(admin, table));
        expect({ table, rows: got }).toEqual({ table, rows: want });
      }
      // Realistic content reached every kind of table the brief names.
      for (const table of [
        'citizen_identities',
        'quiz_passes',
        'programme_completions',
        'outbox',
        'handoff_threads',
        'staff_accounts',
        'unanswered_questions',
        'report_daily',
        'report_attempts',
        'report_commune_daily',
        'chunks',
      ]) {
        expect({ table, n: (await pgRows(admin, table)).length }).not.toEqual({ table, n: 0 });
      }
    } finally {
      lite.close();
    }
  });

  it('keeps times as text, 0/1 flags, JSON and bytes as they were', async () => {
    const app = connect<Database>(t.appUrl, 1);
    try {
      const rows = await withCommune(app, C, async (trx) => ({
        attempt: await trx.selectFrom('quiz_attempts').selectAll().where('id', '=', 'a-c2-0').executeTakeFirstOrThrow(),
        settings: await trx.selectFrom('commune_settings').selectAll().executeTakeFirstOrThrow(),
        embedding: await trx.selectFrom('embeddings').selectAll().executeTakeFirstOrThrow(),
      }));
      expect(rows.attempt).toMatchObject({
        passed: 0,
        score: 0,
        finished_at: '2026-10-05T10:05:00.000Z',
        order_json: '[[2,0,1]]',
      });
      expect(rows.settings.hamlets_saved).toBe(1);
      expect(JSON.parse(rows.settings.contacts ?? 'null')).toEqual({ office: { name: 'Bộ phận một cửa' } });
      expect(new Float32Array(new Uint8Array(rows.embedding.vector).buffer)).toEqual(new Float32Array([0.5, -1.25, 3]));
    } finally {
      await app.destroy();
    }
  });

  it('leaves row-level security and the report triggers on, and new rows get fresh ids', async () => {
    expect(await fenceAndTriggers(admin)).toEqual({ unforced: [], disabled: [] });
    const app = connect<Database>(t.appUrl, 1);
    try {
      const maxOutbox = Math.max(...(await pgRows(admin, 'outbox')).map((r) => Number(r.id)));
      const lite = openDatabase(file);
      const seq = (table: string): number =>
        (lite.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table) as { seq: number }).seq;
      const [threadSeq, messageSeq] = [seq('handoff_threads'), seq('handoff_messages')];
      lite.close();
      const maxMessage = Math.max(...(await pgRows(admin, 'handoff_messages')).map((r) => Number(r.id)));
      expect(messageSeq).toBeGreaterThan(maxMessage);
      const fresh = await withCommune(app, C, async (trx) => {
        const outbox = await trx
          .insertInto('outbox')
          .values({
            commune_id: C,
            channel: 'zalo',
            user_id: 'z-2002',
            payload_json: '{}',
            status: 'pending',
            next_attempt_at: 'x',
            created_at: 'x',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const thread = await trx.selectFrom('handoff_threads').select('id').executeTakeFirstOrThrow();
        const opened = await trx
          .insertInto('handoff_threads')
          .values({
            commune_id: C,
            channel: 'web',
            user_id: 'w-new',
            status: 'closed',
            reason: 'asked',
            opened_at: 'x',
            last_at: 'x',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const message = await trx
          .insertInto('handoff_messages')
          .values({ commune_id: C, thread_id: thread.id, author: 'resident', text: 'Còn đó không ạ?', at: 'x' })
          .returning('id')
          .executeTakeFirstOrThrow();
        // The trigger counts a new pass again: one more 'pass' in report_daily for Sunday 11 October.
        await trx
          .insertInto('quiz_passes')
          .values({
            commune_id: C,
            citizen_id: 'c2',
            quiz_id: 'q-new',
            attempt_id: 'x',
            score: 1,
            passed_at: '2026-10-11T01:00:00.000Z',
          })
          .execute();
        const report = await trx
          .selectFrom('report_daily')
          .select('n')
          .where('kind', '=', 'pass')
          .where('quiz_id', '=', 'q-new')
          .executeTakeFirst();
        await trx.deleteFrom('quiz_passes').where('quiz_id', '=', 'q-new').execute();
        await trx.deleteFrom('handoff_messages').where('id', '=', message.id).execute();
        await trx.deleteFrom('handoff_threads').where('id', '=', opened.id).execute();
        await trx.deleteFrom('outbox').where('id', '=', outbox.id).execute();
        return { outbox: outbox.id, thread: opened.id, message: message.id, reported: report?.n };
      });
      expect(fresh.outbox).toBe(maxOutbox + 1);
      expect(fresh.thread).toBe(threadSeq + 1);
      expect(fresh.message).toBe(messageSeq + 1);
      expect(fresh.reported).toBe(1);
    } finally {
      await app.destroy();
    }
  });

  it('refuses a second run into a database that holds rows, and changes nothing', async () => {
    const before = await pgRows(admin, 'citizens');
    const again = await cli([], env);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/PostgreSQL đã có dữ liệu: .*citizens \(3 dòng\)/);
    expect(again.err).toContain('--replace');
    expect(sorted(await pgRows(admin, 'citizens'))).toEqual(sorted(before));
    expect(await fenceAndTriggers(admin)).toEqual({ unforced: [], disabled: [] });
  });

  it('refuses the app role (it owns no table), before touching anything', async () => {
    const run = await cli([], { DATABASE_PATH: file, DATABASE_URL: t.appUrl });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/không phải chủ sở hữu các bảng/);
  });

  it('--replace empties the target and copies again, in one transaction', async () => {
    const lite = openDatabase(file);
    try {
      lite
        .prepare(`INSERT INTO unanswered_questions (commune_id, channel, question, created_at) VALUES (?, 'web', ?, ?)`)
        .run(C, 'Câu hỏi mới sau lần chép đầu', '2026-10-09T00:00:00.000Z');
    } finally {
      lite.close();
    }
    const run = await cli(['--replace', '--to', t.ownerUrl, '--from', file, '--batch', '2'], {});
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/Đã xoá dữ liệu cũ ở PostgreSQL \(--replace\)/);
    expect(run.out).toMatch(/^unanswered_questions\s+3\s+3\s+có$/m);
    expect(run.out).toMatch(/^report_daily\s+(\d+)\s+\1\s+có$/m);
    expect(await fenceAndTriggers(admin)).toEqual({ unforced: [], disabled: [] });
  });

  it('says the copy is done when only the grant to the app role fails', async () => {
    const run = await cli(['--replace', '--app-role', 'no_such_role'], env);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/số dòng khớp ở mọi bảng/);
    expect(run.err).toMatch(/đã chép xong nhưng chưa cấp được quyền cho tài khoản no_such_role/);
  });

  it('explains bad arguments and a missing file in Vietnamese', async () => {
    expect((await cli(['--to', 'mysql://x'], { DATABASE_PATH: file })).err).toMatch(/--to: phải là địa chỉ PostgreSQL/);
    expect((await cli([], { DATABASE_PATH: file })).err).toMatch(/chưa có địa chỉ PostgreSQL/);
    const missing = await cli([], { DATABASE_PATH: join(tmp.dir, 'khong-co.db'), DATABASE_URL: t.ownerUrl });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/không tìm thấy tệp SQLite/);
    expect(missing.err).toMatch(/--schema-only/);
    const refused = await cli([], { DATABASE_PATH: file, DATABASE_URL: 'postgres://u:s3cr3t-pw@127.0.0.1:1/db' });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/không kết nối được tới PostgreSQL/);
    expect(refused.err).not.toContain('s3cr3t-pw');
    const wrong = new URL(t.ownerUrl);
    wrong.password = 'wrong-pw';
    const denied = await cli([], { DATABASE_PATH: file, DATABASE_URL: wrong.toString() });
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/PostgreSQL từ chối đăng nhập/);
    expect(denied.err).not.toContain('wrong-pw');
  });
});

describe('cli migrate-to-pg --schema-only (a new install, no SQLite file)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    await t?.drop();
  });

  it('makes the tables, grants the app role, copies nothing, and says so again at a second run', async () => {
    const env = { DATABASE_PATH: '/nonexistent/hocvuso.db', DATABASE_URL: t.ownerUrl };
    const first = await cli(['--schema-only', '--app-role', t.appRole], env);
    expect(first.err).not.toMatch(/Lỗi/);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/Đã tạo\/cập nhật cấu trúc PostgreSQL .*019a_baseline/);
    expect(first.err).toContain(`Đã cấp quyền đọc/ghi các bảng cho tài khoản ${t.appRole}`);
    const app = connect<Database>(t.appUrl, 1);
    try {
      const rows = await withCommune(app, 'hung-chau', (trx) => trx.selectFrom('citizens').select('id').execute());
      expect(rows).toEqual([]);
    } finally {
      await app.destroy();
    }
    const again = await cli(['--schema-only'], env);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/đã mới nhất/);
  });
});

describe('cli migrate-to-pg, a copy that fails', () => {
  it('leaves PostgreSQL without a row, its fence and triggers as they were', async () => {
    const tmp = tempDir('hocvuso-migrate-fail-');
    const t = await createTestDatabase();
    const admin = connect<unknown>(t.adminUrl, 1);
    try {
      const file = join(tmp.dir, 'broken.db');
      const db = openDatabase(file);
      const ins = db.prepare(
        `INSERT INTO citizens (commune_id, id, created_at, updated_at) VALUES ('hung-chau', ?, '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z')`,
      );
      for (let i = 0; i < 25; i++) ins.run(`c${i}`);
      // A row SQLite let in with its keys off: its citizen does not exist, which PostgreSQL refuses.
      db.pragma('foreign_keys = OFF');
      db.prepare(
        `INSERT INTO link_codes (commune_id, code, citizen_id, expires_at) VALUES ('hung-chau', 'X1', 'nobody', 'x')`,
      ).run();
      db.close();

      const run = await cli(['--batch', '10'], { DATABASE_PATH: file, DATABASE_URL: t.ownerUrl });
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/chép thất bại .*link_codes.*dữ liệu ở PostgreSQL vẫn như trước/s);
      expect(run.err).toMatch(/^ {2}citizens: 25 dòng ✓$/m); // citizens were copied before the failure…
      const tables = Object.keys(
        await import('../../src/storage/pg/schemaColumns.js').then((m) => m.DATABASE_COLUMNS),
      ).filter((n) => n !== 'communes');
      expect(await pgTotal(admin, tables)).toBe(0); // …and rolled back with it
      expect(await fenceAndTriggers(admin)).toEqual({ unforced: [], disabled: [] });
    } finally {
      await admin.destroy();
      await t.drop();
      tmp.cleanup();
    }
  });

  it('rolls back when the counts differ at the end, and shows staff which table', async () => {
    const tmp = tempDir('hocvuso-migrate-count-');
    const t = await createMigratedDatabase();
    const admin = connect<unknown>(t.adminUrl, 1);
    const owner = connect<unknown>(t.ownerUrl, 1);
    try {
      const file = join(tmp.dir, 'small.db');
      const db = openDatabase(file);
      db.prepare(
        `INSERT INTO outbox (commune_id, channel, user_id, payload_json, status, next_attempt_at, created_at)
         VALUES ('hung-chau', 'web', 'w1', '{}', 'pending', 'x', 'x')`,
      ).run();
      db.close();
      // A rule is no trigger: the copy leaves it on, and it silently drops every outbox row.
      await sql`CREATE RULE drop_outbox AS ON INSERT TO outbox DO INSTEAD NOTHING`.execute(owner);

      const run = await cli([], { DATABASE_PATH: file, DATABASE_URL: t.ownerUrl });
      expect(run.code).toBe(1);
      expect(run.out).toMatch(/^outbox\s+1\s+0\s+KHÔNG$/m);
      expect(run.err).toMatch(/số dòng không khớp ở một số bảng/);
      expect(await pgTotal(admin, ['meta', 'outbox', 'unanswered_questions'])).toBe(0);
      expect(await fenceAndTriggers(admin)).toEqual({ unforced: [], disabled: [] });
    } finally {
      await owner.destroy();
      await admin.destroy();
      await t.drop();
      tmp.cleanup();
    }
  });
});
