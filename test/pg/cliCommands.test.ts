/**
 * The staff's commands on PostgreSQL (src/cli/cliStores.ts): `staff`,
 * `population`, `export`, `unanswered` and `prune` run the same steps on a
 * SQLite file and, with DATABASE_URL, on PostgreSQL, and print the same lines
 * with the same exit codes; the commune in force is commune.yaml with the
 * console's saved hamlets on both. A database without tables, or no server
 * at all, is said in Vietnamese with what to do (storage/pg/pgProblems.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runExport } from '../../src/cli/export.js';
import type { CliContext } from '../../src/cli/index.js';
import { runPopulation } from '../../src/cli/population.js';
import { runPrune } from '../../src/cli/prune.js';
import { runStaff } from '../../src/cli/staff.js';
import { runUnanswered } from '../../src/cli/unanswered.js';
import type { Config } from '../../src/config.js';
import type { UnansweredQuestion } from '../../src/core/ports.js';
import { PgCommuneSettingsRepo } from '../../src/storage/pg/pgCommuneSettingsRepo.js';
import { PgAuditLog } from '../../src/storage/pg/pgStaffAudit.js';
import { PgUnansweredLog } from '../../src/storage/pg/pgUnansweredLog.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { SqliteCommuneSettingsRepo } from '../../src/storage/sqlite/communeSettingsRepo.js';
import { ensureCommune, openDatabase } from '../../src/storage/sqlite/db.js';
import { SqliteAuditLog } from '../../src/storage/sqlite/staffAudit.js';
import { SqliteUnansweredLog } from '../../src/storage/sqlite/unansweredRepo.js';
import { BUNDLED_KNOWLEDGE, fixedClock, memoryLogger, runCli, tempDir, testConfig } from '../helpers.js';
import { connect, createMigratedDatabase, createTestDatabase, type TestDatabase } from './pgTestDb.js';

const COMMUNE = 'hung-chau';
const clock = fixedClock('2026-12-01T08:00:00.000Z');

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs one command with its stdout and stderr captured; the setup links' random tokens masked. */
async function capture(config: Config, run: (ctx: CliContext, stderr: Writable) => Promise<number>): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        into.push(chunk.toString('utf8'));
        cb();
      },
    });
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await run({ config, logger: memoryLogger().logger, args: [], stdout: sink(out) }, sink(err));
    const mask = (s: string) => s.replace(/token=[A-Za-z0-9_-]+/g, 'token=…');
    return { code, out: mask(out.join('')), err: mask(err.join('')) };
  } finally {
    spy.mockRestore();
  }
}

const QUESTIONS: UnansweredQuestion[] = [
  {
    channel: 'zalo',
    userId: 'u1',
    question: 'giá vé xe khách đi Vinh',
    bestRef: 'faq/xe.md#gia',
    bestScore: 0.4567,
    at: clock.now(),
  },
  { channel: 'web', userId: 'u2', question: 'Wifi miễn phí ở nhà văn hóa xã mật khẩu là gì', at: clock.now() },
  { channel: 'web', userId: 'u3', question: 'wifi mien phi o nha van hoa xa mat khau la gi', at: clock.now() },
  {
    channel: 'telegram',
    userId: 'u4',
    kind: 'thumbs-down',
    question: 'VNeID là gì?',
    answer: 'VNeID là ứng dụng định danh điện tử.',
    at: clock.now(),
  },
];

const HAMLETS = [
  { id: 'xom-1', name: 'Xóm Đông' },
  { id: 'xom-2', name: 'Xóm 2' },
  { id: 'xom-3', name: 'Xóm Mới' },
];

describe('the staff commands on PostgreSQL print what they print on SQLite', () => {
  const tmp = tempDir();
  let t: TestDatabase;
  let pg: Kysely<Database>;
  let lite: Config;
  let onPg: Config;

  beforeAll(async () => {
    // commune.yaml with two hamlets; the console then renamed one and added a third (on both databases).
    const yaml = readFileSync(join(BUNDLED_KNOWLEDGE, 'commune.yaml'), 'utf8').replace(
      /^hamlets: \[\]$/m,
      'hamlets:\n  - id: xom-1\n    name: "Xóm 1"\n  - id: xom-2\n    name: "Xóm 2"',
    );
    expect(yaml).toContain('name: "Xóm 2"');
    writeFileSync(join(tmp.dir, 'commune.yaml'), yaml);
    lite = testConfig({ DATABASE_PATH: join(tmp.dir, 'lite.db'), KNOWLEDGE_DIR: tmp.dir, COMMUNE_ID: COMMUNE });
    t = await createMigratedDatabase();
    onPg = testConfig({ DATABASE_URL: t.appUrl, KNOWLEDGE_DIR: tmp.dir, COMMUNE_ID: COMMUNE });
    pg = connect<Database>(t.appUrl, 2);

    const db = openDatabase(lite.DATABASE_PATH);
    try {
      ensureCommune(db, COMMUNE);
      new SqliteCommuneSettingsRepo(db, COMMUNE).saveHamlets(HAMLETS, [], 'admin', clock.now());
      const log = new SqliteUnansweredLog(db, COMMUNE);
      for (const q of QUESTIONS) log.record(q);
    } finally {
      db.close();
    }
    // The baseline migration made the default commune's row already.
    await withCommune(pg, COMMUNE, (trx) =>
      trx
        .insertInto('communes')
        .values({ id: COMMUNE, name: COMMUNE })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute(),
    );
    await new PgCommuneSettingsRepo(pg, COMMUNE).saveHamlets(HAMLETS, [], 'admin', clock.now());
    const log = new PgUnansweredLog(pg, COMMUNE);
    for (const q of QUESTIONS) await log.record(q);
  }, 60_000);

  afterAll(async () => {
    await pg?.destroy();
    await t?.drop();
    tmp.cleanup();
  });

  /** The same command on both databases: the same exit code, stdout and stderr. */
  async function same(
    what: string,
    run: (ctx: CliContext, stderr: Writable) => Promise<number>,
    normalise: (s: string) => string = (s) => s,
  ): Promise<Run> {
    const a = await capture(lite, run);
    const b = await capture(onPg, run);
    const shown = (r: Run) => ({ what, code: r.code, out: normalise(r.out), err: normalise(r.err) });
    expect(shown(b)).toEqual(shown(a));
    return b;
  }

  it('staff: adds, lists, refuses a taken id, resets and disables as on SQLite', async () => {
    const staff = (args: string[]) => (ctx: CliContext) => runStaff(ctx, args, clock);
    expect((await same('empty list', staff(['list']))).out).toContain('Chưa có tài khoản nào');
    const added = await same('add admin', staff(['add', '--name', 'Nguyễn Văn An', '--role', 'admin', '--id', 'an']));
    expect(added.code).toBe(0);
    expect(added.out).toContain('/staff/setup?token=…');
    await same(
      'add hamlet',
      staff(['add', '--name', 'Trần Thị Bình', '--role', 'hamlet', '--hamlet', 'xom-1', '--id', 'binh']),
    );
    await same('add province', staff(['add', '--name', 'Lê Văn Cường', '--role', 'province', '--id', 'cuong']));
    expect((await same('taken id', staff(['add', '--name', 'Người Khác', '--role', 'admin', '--id', 'an']))).code).toBe(
      1,
    );
    expect(
      (await same('unknown hamlet', staff(['add', '--name', 'Ai Đó', '--role', 'hamlet', '--hamlet', 'xom-9']))).code,
    ).toBe(1);
    expect((await same('reset', staff(['reset', '--id', 'binh']))).code).toBe(0);
    expect((await same('disable', staff(['disable', '--id', 'binh']))).code).toBe(0);
    expect((await same('disable again', staff(['disable', '--id', 'binh']))).code).toBe(1);
    expect((await same('reset disabled', staff(['reset', '--id', 'binh']))).code).toBe(1);
    const list = await same('list', staff(['list']));
    expect(list.out.trim().split('\n')).toHaveLength(3);
    expect(list.out).toContain('binh\tTrần Thị Bình\ttổ xóm/khối xom-1\tđã khóa');
    await same('list --json', staff(['list', '--json']));
    expect((await same('no sub-command', staff([]))).code).toBe(1);
  });

  it("staff --commune: another commune's accounts, with links into its own console folder", async () => {
    const staff = (args: string[]) => (ctx: CliContext) => runStaff(ctx, args, clock);
    const added = await capture(
      onPg,
      staff(['add', '--name', 'Phan Thị Dung', '--role', 'admin', '--id', 'dung', '--commune', 'xa-khac']),
    );
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/\/x\/xa-khac\/staff\/setup\?token=/);
    const there = await capture(onPg, staff(['list', '--commune', 'xa-khac']));
    expect(there.out).toContain('dung\tPhan Thị Dung');
    const home = await capture(onPg, staff(['list']));
    expect(home.out).not.toContain('dung');
    const reset = await capture(onPg, staff(['reset', '--id', 'dung', '--commune', 'xa-khac']));
    expect(reset.out).toMatch(/\/x\/xa-khac\/staff\/setup\?token=/);
    const bad = await capture(onPg, staff(['list', '--commune', 'Xã Khác']));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--commune là mã xã');
  });

  it('population: the template with the console hamlets, an import, a refused file', async () => {
    const template = await same('template', (ctx, stderr) => runPopulation(ctx, ['template'], { stderr }));
    expect(template.out).toContain('xom-3,Xóm Mới');
    const filled = template.out
      .split('\r\n')
      .map((line, i) => (i === 0 || line === '' ? line : line.replace(/,(?=,|$)/g, (_m) => `,${100 + i}`)))
      .join('\r\n');
    const file = join(tmp.dir, 'dan-so.csv');
    writeFileSync(file, filled);
    const imported = await same('import', (ctx, stderr) => runPopulation(ctx, ['import', file], { stderr }));
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('Đã thay đổi');
    expect(
      (await same('import again', (ctx, stderr) => runPopulation(ctx, ['import', file], { stderr }))).out,
    ).toContain('không có gì thay đổi');
    const wrong = join(tmp.dir, 'sai.csv');
    writeFileSync(wrong, 'Mã xóm/khối;Khác\nxom-1;7\nxom-9;-1\n');
    expect((await same('bad file', (ctx, stderr) => runPopulation(ctx, ['import', wrong], { stderr }))).code).toBe(1);
    expect((await same('template after', (ctx, stderr) => runPopulation(ctx, ['template'], { stderr }))).out).toContain(
      'xom-3,Xóm Mới,',
    );
  });

  it('export: the same CSV files, an xlsx written, and each export on record in the audit log', async () => {
    // The report says when it was made: the one line that differs between two runs.
    const madeAt = (s: string) => s.replace(/lập lúc \d{4}-\d\d-\d\dT[\d:.]+Z/g, 'lập lúc …');
    const csv = await same('csv', (ctx) => runExport(ctx, ['--format', 'csv', '--year', '2026']), madeAt);
    expect(csv.out).toContain('Xóm Mới');
    await same(
      'csv comma',
      (ctx) => runExport(ctx, ['--format', 'csv', '--hamlet', 'xom-1', '--sep', 'comma']),
      madeAt,
    );
    await same('completions', (ctx) => runExport(ctx, ['--format', 'completions-csv']), madeAt);
    expect((await same('bad format', (ctx) => runExport(ctx, ['--format', 'pdf']))).code).toBe(1);
    const xlsx = (name: string) => (ctx: CliContext) =>
      runExport(ctx, [
        '--format',
        'xlsx',
        '--out',
        join(tmp.dir, `${name}-${ctx.config.DATABASE_URL ? 'pg' : 'lite'}.xlsx`),
      ]);
    await same('xlsx', xlsx('bao-cao'), (s) => s.replace(/bao-cao-(pg|lite)\.xlsx/, 'bao-cao.xlsx'));
    expect(readFileSync(join(tmp.dir, 'bao-cao-pg.xlsx')).subarray(0, 2).toString()).toBe('PK');

    // Every line the commands wrote to the audit log, both databases alike (times aside).
    const db = openDatabase(lite.DATABASE_PATH);
    const liteLines = new SqliteAuditLog(db, COMMUNE, clock).recent(100);
    db.close();
    const pgLines = await new PgAuditLog(pg, COMMUNE, clock).recent(100);
    const plain = (lines: readonly { actorId: string; action: string; target?: string; details: unknown }[]) =>
      lines.map(({ actorId, action, target, details }) => ({ actorId, action, target, details }));
    expect(plain(pgLines)).toEqual(plain(liteLines));
    expect(pgLines.map((l) => l.action)).toEqual(
      expect.arrayContaining(['report.export', 'staff.account.disable', 'staff.password.reset_link']),
    );
  });

  it('unanswered and prune: the same lines from the same rows', async () => {
    const recent = await same('unanswered', (ctx) => runUnanswered(ctx, undefined));
    expect(recent.out).toContain('(closest: faq/xe.md#gia, 0.46)');
    expect(recent.out).toContain('answer given: VNeID là ứng dụng định danh điện tử.');
    await same('unanswered --limit 2', (ctx) => runUnanswered(ctx, '2'));
    expect((await same('unanswered --groups', (ctx) => runUnanswered(ctx, undefined, true))).out).toMatch(
      /^2 người hỏi, 2 câu/m,
    );
    expect((await same('bad limit', (ctx) => runUnanswered(ctx, '0'))).code).toBe(1);
    const pruned = await same('prune', (ctx) => runPrune(ctx));
    expect(pruned.out).toContain('staff_audit: 0 removed (kept 730 days)');
  });

  it('runs from the real command line on PostgreSQL and ends, and refuses the SQLite-only backup', async () => {
    const env = { DATABASE_URL: t.appUrl, KNOWLEDGE_DIR: tmp.dir, COMMUNE_ID: COMMUNE, LOG_LEVEL: 'warn' };
    const [list, chat, backup, ingest] = await Promise.all([
      runCli(['staff', 'list'], env),
      runCli(['chat'], env, 'thoát\n'),
      runCli(['backup', join(tmp.dir, 'copy.db')], env),
      runCli(['ingest', '--force'], env),
    ]);
    expect({ code: list.code, err: list.stderr }).toEqual({ code: 0, err: '' });
    expect(list.stdout).toContain('an\tNguyễn Văn An\tquản trị viên xã');
    // chat talks to the commune of PostgreSQL (test/integration/cli.chat.test.ts has the conversation).
    expect(chat.code, chat.stderr).toBe(0);
    expect(chat.stdout).toContain('(Gõ "thoát" hoặc Ctrl+D để kết thúc.)');
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain('sao lưu bằng pg_dump');
    // ingest indexes the commune's rows in PostgreSQL, the password masked in what it prints.
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toMatch(/^Database: postgres:\/\/.*\*\*\*/m);
    expect(ingest.stdout).toMatch(/passages indexed in \d+ ms/);
  }, 60_000);
});

describe('the staff commands when PostgreSQL is not ready', () => {
  it('say in Vietnamese that the tables are missing and what to run', async () => {
    const empty = await createTestDatabase();
    try {
      const config = testConfig({ DATABASE_URL: empty.appUrl, COMMUNE_ID: COMMUNE });
      const runs: [string, (ctx: CliContext, stderr: Writable) => Promise<number>][] = [
        ['staff list', (ctx) => runStaff(ctx, ['list'], clock)],
        ['staff add', (ctx) => runStaff(ctx, ['add', '--name', 'Nguyễn Văn An', '--role', 'admin'], clock)],
        ['export', (ctx) => runExport(ctx, ['--format', 'csv'])],
        ['population', (ctx, stderr) => runPopulation(ctx, ['template'], { stderr })],
        ['unanswered', (ctx) => runUnanswered(ctx, undefined)],
        ['prune', (ctx) => runPrune(ctx)],
      ];
      for (const [what, run] of runs) {
        const r = await capture(config, run);
        expect({ what, code: r.code, out: r.out }).toEqual({ what, code: 1, out: '' });
        expect(r.err).toMatch(/^Lỗi: cơ sở dữ liệu PostgreSQL chưa có các bảng của Hocvuso.*migrate-to-pg/u);
      }
    } finally {
      await empty.drop();
    }
  });

  it('say that the server cannot be reached', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const config = testConfig({ DATABASE_URL: 'postgres://hocvuso@127.0.0.1:1/hocvuso', COMMUNE_ID: COMMUNE });
    const r = await capture(config, (ctx) => runStaff(ctx, ['list'], clock));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^Lỗi: không kết nối được tới PostgreSQL/u);
  });
});
