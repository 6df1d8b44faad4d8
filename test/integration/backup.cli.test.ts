/**
 * `cli backup FILE` (cli/backup.ts): a consistent copy of the SQLite
 * database taken while a writer is open, never over an earlier copy, and a
 * clear word when there is nothing to copy or the install runs on PostgreSQL.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runBackup } from '../../src/cli/backup.js';
import type { CliContext } from '../../src/cli/index.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { memoryLogger, tempDir, testConfig } from '../helpers.js';

function context(env: Record<string, string>): { ctx: CliContext; out: () => string } {
  let text = '';
  const stdout = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { ctx: { config: testConfig(env), logger: memoryLogger().logger, args: [], stdout }, out: () => text };
}

describe('cli backup', () => {
  let tmp: { dir: string; cleanup: () => void };
  let live: Db;
  let file: string;
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

  beforeAll(() => {
    tmp = tempDir('hocvuso-backup-');
    file = join(tmp.dir, 'hocvuso.db');
    // The service's connection, open and writing in WAL mode while the copy is taken.
    live = openDatabase(file);
    const insert = live.prepare('INSERT INTO service_secrets (name, value, created_at) VALUES (?, ?, ?)');
    for (let i = 0; i < 200; i += 1) insert.run(`k${i}`, 'x'.repeat(100), new Date(0).toISOString());
  });
  afterAll(() => {
    live?.close();
    stderr.mockRestore();
    tmp?.cleanup();
  });

  it('copies every committed row while the database is open, and says where and how big', async () => {
    const to = join(tmp.dir, 'copy.db');
    const { ctx, out } = context({ DATABASE_PATH: file });
    expect(await runBackup(ctx, [to])).toBe(0);
    expect(out()).toMatch(
      new RegExp(`^Đã sao lưu .*hocvuso\\.db sang .*copy\\.db \\([\\d,]+ MB, [\\d,]+ giây\\)\\.\\n$`),
    );
    const copy = openDatabase(to);
    try {
      expect(copy.prepare('SELECT COUNT(*) AS n FROM service_secrets').get()).toEqual({ n: 200 });
    } finally {
      copy.close();
    }
  });

  it('refuses to write over an earlier copy, a missing database, a missing name, and PostgreSQL', async () => {
    const messages = (): string => stderr.mock.calls.map((c) => String(c[0])).join('');
    const again = join(tmp.dir, 'again.db');
    expect(await runBackup(context({ DATABASE_PATH: file }).ctx, [again])).toBe(0);
    expect(await runBackup(context({ DATABASE_PATH: file }).ctx, [again])).toBe(1);
    expect(messages()).toContain('đã có; chọn tên khác');
    expect(await runBackup(context({ DATABASE_PATH: join(tmp.dir, 'none.db') }).ctx, [join(tmp.dir, 'x.db')])).toBe(1);
    expect(messages()).toContain('không tìm thấy cơ sở dữ liệu');
    expect(await runBackup(context({ DATABASE_PATH: file }).ctx, [])).toBe(1);
    expect(messages()).toContain('thiếu tên tệp sao lưu');
    const pg = context({ DATABASE_PATH: file, DATABASE_URL: 'postgres://app@localhost/hocvuso' });
    expect(await runBackup(pg.ctx, [join(tmp.dir, 'pg.db')])).toBe(1);
    expect(messages()).toContain('sao lưu bằng pg_dump');
  });
});
