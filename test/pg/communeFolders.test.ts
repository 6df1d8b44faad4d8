/**
 * Two communes opened with openPgCommune on one PostgreSQL database, each
 * from its own folder (content/communeContent, issue 20 item 3): each gets its
 * own name, hamlets and quizzes, a page only one commune has is found for that
 * commune alone, and a commune with no file of its own inherits nothing of the
 * install's commune.yaml.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommune } from '../../src/cli/commune.js';
import { openPgCommune, type PgCommune } from '../../src/pgCommune.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { PgCommuneRegistry } from '../../src/storage/pg/pgCommuneRegistry.js';
import { fixedClock, memoryLogger, tempDir, testConfig, writeTree } from '../helpers.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

function bank(id: string, title: string): string {
  return `id: ${id}
title: "${title}"
domain: an-toan
pass_score: 0.8
questions:
  - id: q1
    text: "Mật khẩu nên thế nào?"
    options: ["Dài và khó đoán", "Ngày sinh"]
    answer: 0
    explanation: "Mật khẩu dài, khó đoán thì an toàn hơn."
    source: "an-toan/mat-khau.md"
`;
}

const communeYaml = (name: string, hamlet: string): string => `name: "${name}"
hamlets:
  - id: ${hamlet}
    name: "${hamlet}"
groups:
  - id: nguoi-dan
    name: "Người dân"
targets:
  2026:
    nguoi-dan: 100
core_quizzes:
  - mat-khau
`;

const OPENING_HOURS = 'bộ phận một cửa có làm việc sáng thứ bảy không';

describe('communes from their own folders on one PostgreSQL database', () => {
  const tmp = tempDir('hocvuso-pg-commune-folders-');
  let t: TestDatabase;
  let pg: Kysely<Database>;
  let a: PgCommune;
  let b: PgCommune;
  let c: PgCommune;
  const logs = memoryLogger();

  beforeAll(async () => {
    writeTree(tmp.dir, {
      // The install's own commune (COMMUNE_ID=xa-a) keeps the top-level commune.yaml.
      'commune.yaml': communeYaml('Xã A', 'xom-a-1'),
      'quizzes/mat-khau.yaml': bank('mat-khau', 'Mật khẩu an toàn'),
      'an-toan/mat-khau.md': '# Mật khẩu an toàn\n\nĐặt mật khẩu dài, khó đoán và không dùng ngày sinh.\n',
      'communes/xa-a/xa/gio-lam-viec.md':
        '# Giờ làm việc của xã A\n\nBộ phận một cửa của xã A làm việc cả sáng thứ bảy.\n',
      'communes/xa-b/commune.yaml': communeYaml('Xã B', 'xom-b-1'),
      'communes/xa-b/quizzes/mat-khau.yaml': bank('mat-khau', 'Mật khẩu an toàn (xã B)'),
      'communes/xa-b/quizzes/le-hoi.yaml': bank('le-hoi', 'Lễ hội của xã B'),
    });
    t = await createMigratedDatabase();
    pg = connect<Database>(t.appUrl, 4);
    const config = testConfig({ KNOWLEDGE_DIR: tmp.dir, COMMUNE_ID: 'xa-a' });
    const clock = fixedClock();
    await new PgCommuneRegistry(pg, 'xa-a').add('xa-c', 'Xã C');
    a = await openPgCommune(config, logs.logger, pg, 'xa-a', { clock });
    b = await openPgCommune(config, logs.logger, pg, 'xa-b', { clock });
    c = await openPgCommune(config, logs.logger, pg, 'xa-c', { clock });
  }, 120_000);
  afterAll(async () => {
    await pg?.destroy();
    await t?.drop();
    tmp.cleanup();
  });

  it('gives each commune its own name and hamlets, and the rows their names', async () => {
    expect([a.commune.name, a.commune.hamlets.map((h) => h.id)]).toEqual(['Xã A', ['xom-a-1']]);
    expect([b.commune.name, b.commune.hamlets.map((h) => h.id)]).toEqual(['Xã B', ['xom-b-1']]);
    // hung-chau: the row every migrated database starts with (019a_baseline).
    expect(await new PgCommuneRegistry(pg, 'xa-a').list()).toEqual([
      { id: 'hung-chau', name: 'Xã Hùng Châu' },
      { id: 'xa-a', name: 'Xã A' },
      { id: 'xa-b', name: 'Xã B' },
      { id: 'xa-c', name: 'Xã C' },
    ]);
  });

  it("gives a commune without a file its row's name and nothing of the install's commune.yaml", () => {
    expect(c.commune).toMatchObject({ name: 'Xã C', hamlets: [], targets: [] });
    expect(logs.lines.join('')).toContain('Xã xa-c chưa có tệp');
  });

  it('gives each commune the national quizzes with its own laid over them', () => {
    const titles = (k: PgCommune): Record<string, string> =>
      Object.fromEntries(k.quizzes.list().map((q) => [q.id, q.title]));
    expect(titles(a)).toEqual({ 'mat-khau': 'Mật khẩu an toàn' });
    expect(titles(b)).toEqual({ 'mat-khau': 'Mật khẩu an toàn (xã B)', 'le-hoi': 'Lễ hội của xã B' });
    expect(titles(c)).toEqual({ 'mat-khau': 'Mật khẩu an toàn' });
  });

  it("finds a commune's own page for that commune only, and the national page for both", async () => {
    const refs = async (k: PgCommune, q: string): Promise<string[]> =>
      (await k.knowledge.search.search(q, 5)).documents.map((d) => d.ref);
    expect((await refs(a, OPENING_HOURS))[0]).toBe('xa/gio-lam-viec.md');
    expect(await refs(b, OPENING_HOURS)).not.toContain('xa/gio-lam-viec.md');
    expect((await refs(a, 'đặt mật khẩu thế nào cho an toàn'))[0]).toBe('an-toan/mat-khau.md');
    expect((await refs(b, 'đặt mật khẩu thế nào cho an toàn'))[0]).toBe('an-toan/mat-khau.md');
    const answer = await a.engine.ask(OPENING_HOURS);
    expect(answer.sources[0]?.ref).toBe('xa/gio-lam-viec.md');
  });

  it('adds a commune with `cli commune add` to PostgreSQL when DATABASE_URL is set, once', async () => {
    let stdout = '';
    const ctx = {
      config: testConfig({ KNOWLEDGE_DIR: tmp.dir, COMMUNE_ID: 'xa-a', DATABASE_URL: t.appUrl }),
      logger: memoryLogger().logger,
      args: [],
      stdout: new Writable({
        write(chunk: Buffer, _enc, done) {
          stdout += chunk.toString('utf8');
          done();
        },
      }),
    };
    expect(await runCommune(ctx, ['add', 'xa-d', '--name', 'Xã D'])).toBe(0);
    expect(stdout).toContain('Cơ sở dữ liệu: PostgreSQL (DATABASE_URL)');
    expect(existsSync(join(tmp.dir, 'communes', 'xa-d', 'commune.yaml'))).toBe(true);
    expect(await new PgCommuneRegistry(pg, 'xa-a').get('xa-d')).toEqual({ id: 'xa-d', name: 'Xã D' });
    const d = await openPgCommune(ctx.config, memoryLogger().logger, pg, 'xa-d', { clock: fixedClock() });
    expect(d.commune).toMatchObject({ name: 'Xã D', hamlets: [], targets: [] });
    expect(await runCommune(ctx, ['add', 'xa-d', '--name', 'Xã D'])).toBe(1);
  });
});
