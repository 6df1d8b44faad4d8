/**
 * @module cli/backup
 *
 * `cli backup FILE`: a copy of the SQLite database taken while the service
 * runs, through SQLite's online backup (better-sqlite3 `backup`): the copy is
 * one consistent state of the database, and the service keeps answering
 * while it is made (the pages are copied in steps between its writes). A
 * plain `cp` of a database in WAL mode can miss what is still in the WAL
 * file. On PostgreSQL the tool is `pg_dump` (README, "Backups").
 */
import { existsSync, statSync } from 'node:fs';
import { z } from 'zod';
import { openDatabase } from '../storage/sqlite/db.js';
import type { CliContext } from './index.js';

const USAGE = 'Cách dùng: npm run -s cli -- backup TỆP_SAO_LƯU.db';

const Destination = z
  .string({ error: () => `thiếu tên tệp sao lưu.\n${USAGE}` })
  .trim()
  .min(1, `thiếu tên tệp sao lưu.\n${USAGE}`);

export async function runBackup(ctx: CliContext, args: readonly string[]): Promise<number> {
  const fail = (message: string): number => {
    process.stderr.write(`Lỗi: ${message}\n`);
    return 1;
  };
  if (ctx.config.DATABASE_URL !== undefined) {
    return fail(
      'dịch vụ đang dùng PostgreSQL (DATABASE_URL): sao lưu bằng pg_dump (xem mục "Backups" trong README), ' +
        'lệnh này chỉ chép tệp SQLite.',
    );
  }
  const parsed = Destination.safeParse(args[0]);
  if (!parsed.success) return fail(parsed.error.issues[0]?.message ?? USAGE);
  const to = parsed.data;
  const from = ctx.config.DATABASE_PATH;
  if (from === ':memory:' || !existsSync(from)) return fail(`không tìm thấy cơ sở dữ liệu "${from}" (DATABASE_PATH).`);
  // Never over an earlier copy: a backup that replaced the last good one by mistake is worse than none.
  if (existsSync(to)) return fail(`tệp "${to}" đã có; chọn tên khác (ví dụ có ngày tháng) để không ghi đè bản cũ.`);
  const db = openDatabase(from);
  try {
    const started = performance.now();
    await db.backup(to);
    const mb = (statSync(to).size / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
    const seconds = ((performance.now() - started) / 1000).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
    ctx.stdout.write(`Đã sao lưu ${from} sang ${to} (${mb} MB, ${seconds} giây).\n`);
    return 0;
  } catch (err) {
    return fail(`không sao lưu được: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    db.close();
  }
}
