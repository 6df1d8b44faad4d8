/**
 * @module cli/migrateToPg
 *
 * `cli migrate-to-pg`: moves an install from its SQLite file to PostgreSQL in
 * one command (issue 20 item 1). It brings the file to its latest migration,
 * migrates PostgreSQL, copies every row in one transaction
 * (storage/pg/migrateFromSqlite.ts says how and why as the tables' owner),
 * and prints the row counts of both sides per table for staff to check; exit
 * 0 only when every table matches. Progress goes to stderr, the table to
 * stdout. The PostgreSQL address is always shown with its password masked.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadCommune } from '../content/loadCommune.js';
import { isPostgresUrl, redactDatabaseUrl } from '../databaseUrl.js';
import { kyselyOver } from '../storage/pg/db.js';
import { migrateToLatest } from '../storage/pg/migrations/index.js';
import {
  copySqliteToPg,
  CountMismatchError,
  NotOwnerError,
  SchemaMismatchError,
  TargetNotEmptyError,
  type CopyProgress,
} from '../storage/pg/migrateFromSqlite.js';
import { createPgPool } from '../storage/pg/pool.js';
import { grantAppRole } from '../storage/pg/roles.js';
import { openDatabase } from '../storage/sqlite/db.js';
import { countsTable, vi } from './countsTable.js';
import type { CliContext } from './index.js';
import { pgConnectionProblem } from '../storage/pg/pgProblems.js';

const USAGE =
  'Cách dùng: npm run -s cli -- migrate-to-pg [--from TỆP.db] [--to postgres://…] [--replace] [--app-role TÊN]\n' +
  '  --from      tệp SQLite (mặc định: DATABASE_PATH)\n' +
  '  --to        cơ sở dữ liệu PostgreSQL, với tài khoản chủ sở hữu các bảng (mặc định: DATABASE_URL)\n' +
  '  --replace   xoá dữ liệu đang có ở PostgreSQL rồi chép lại (cùng một giao dịch)\n' +
  '  --app-role  cấp quyền đọc/ghi các bảng cho tài khoản mà dịch vụ dùng khi chạy\n' +
  '  --batch N   số dòng mỗi lần ghi (mặc định 500)\n' +
  '  --schema-only  cài đặt mới, chưa có tệp SQLite: chỉ tạo bảng (và cấp quyền với --app-role), không chép gì';

const Args = z.object({
  from: z.string().trim().min(1, '--from: thiếu đường dẫn tệp SQLite').optional(),
  to: z
    .string()
    .trim()
    .refine(isPostgresUrl, { message: '--to: phải là địa chỉ PostgreSQL, bắt đầu bằng postgres:// hoặc postgresql://' })
    .optional(),
  replace: z.boolean().default(false),
  'schema-only': z.boolean().default(false),
  'app-role': z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, '--app-role: tên tài khoản chỉ gồm chữ thường không dấu, số và dấu gạch dưới')
    .optional(),
  batch: z.coerce
    .number({ error: () => '--batch: phải là một số' })
    .int('--batch: phải là số nguyên')
    .min(1, '--batch: từ 1 đến 5000')
    .max(5000, '--batch: từ 1 đến 5000')
    .default(500),
});

export interface MigrateToPgCliOptions {
  readonly stderr?: NodeJS.WritableStream;
}

export async function runMigrateToPg(
  ctx: CliContext,
  args: readonly string[],
  options: MigrateToPgCliOptions = {},
): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const fail = (message: string): number => {
    stderr.write(`Lỗi: ${message}\n`);
    return 1;
  };
  if (args.includes('--help') || args.includes('-h')) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...args],
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        replace: { type: 'boolean' },
        'app-role': { type: 'string' },
        batch: { type: 'string' },
        'schema-only': { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    return fail(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  }
  const parsed = Args.safeParse(values);
  if (!parsed.success) return fail(`${parsed.error.issues.map((i) => i.message).join('; ')}\n\n${USAGE}`);
  const from = parsed.data.from ?? ctx.config.DATABASE_PATH;
  const to = parsed.data.to ?? ctx.config.DATABASE_URL;
  if (to === undefined) {
    return fail(`chưa có địa chỉ PostgreSQL: đặt DATABASE_URL hoặc thêm --to postgres://…\n\n${USAGE}`);
  }
  if (parsed.data['schema-only']) return schemaOnly(ctx, to, parsed.data['app-role'], stderr, fail);
  // openDatabase would create a missing file: an empty copy must not look like a successful move.
  if (from === ':memory:' || !existsSync(from)) {
    return fail(
      `không tìm thấy tệp SQLite "${from}". Cài đặt mới, chưa có dữ liệu SQLite: chạy lại với --schema-only để chỉ tạo bảng.`,
    );
  }

  const shownUrl = redactDatabaseUrl(to);
  stderr.write(`Chuyển dữ liệu từ SQLite ${from} sang PostgreSQL ${shownUrl}\n`);
  const { commune } = await loadCommune(ctx.config.KNOWLEDGE_DIR);
  const started = performance.now();
  const sqlite = openDatabase(from);
  const pg = kyselyOver<unknown>(
    createPgPool(to, { max: 1, applicationName: 'hocvuso-migrate-to-pg', logger: ctx.logger }),
  );
  try {
    const report = await copySqliteToPg(sqlite, pg, {
      replace: parsed.data.replace,
      batchRows: parsed.data.batch,
      communeName: (id) => (id === ctx.config.COMMUNE_ID ? commune.name : undefined),
      onProgress: progressPrinter(stderr),
    });
    ctx.stdout.write(`${countsTable(report.counts)}\n`);
    const seconds = ((performance.now() - started) / 1000).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
    ctx.stdout.write(
      `Đã chép ${vi(report.rows)} dòng của ${vi(report.counts.length)} bảng trong ${seconds} giây; số dòng khớp ở mọi bảng.\n`,
    );
    const appRole = parsed.data['app-role'];
    if (appRole !== undefined) {
      // The copy is committed by now: a failure here must not read as a failed copy.
      try {
        await grantAppRole(pg, appRole);
      } catch (err) {
        return fail(
          `đã chép xong nhưng chưa cấp được quyền cho tài khoản ${appRole}: ${err instanceof Error ? err.message : String(err)}. ` +
            'Kiểm tra tên tài khoản rồi chạy lại lệnh với --replace --app-role, hoặc cấp quyền bằng tay (src/storage/pg/roles.ts).',
        );
      }
      stderr.write(`Đã cấp quyền đọc/ghi các bảng cho tài khoản ${appRole}.\n`);
    }
    return 0;
  } catch (err) {
    return fail(explain(err, ctx));
  } finally {
    sqlite.close();
    await pg.destroy();
  }
}

/**
 * A new install on PostgreSQL: the tables made (or brought up to date) as the
 * owner, and the service's role granted its rights; nothing is copied.
 */
async function schemaOnly(
  ctx: CliContext,
  to: string,
  appRole: string | undefined,
  stderr: NodeJS.WritableStream,
  fail: (message: string) => number,
): Promise<number> {
  const pg = kyselyOver<unknown>(
    createPgPool(to, { max: 1, applicationName: 'hocvuso-migrate-to-pg', logger: ctx.logger }),
  );
  try {
    const applied = await migrateToLatest(pg);
    ctx.stdout.write(
      applied.length > 0
        ? `Đã tạo/cập nhật cấu trúc PostgreSQL ${redactDatabaseUrl(to)}: ${applied.join(', ')}\n`
        : `Cấu trúc PostgreSQL ${redactDatabaseUrl(to)} đã mới nhất.\n`,
    );
    if (appRole !== undefined) {
      await grantAppRole(pg, appRole);
      stderr.write(`Đã cấp quyền đọc/ghi các bảng cho tài khoản ${appRole}.\n`);
    }
    return 0;
  } catch (err) {
    return fail(explain(err, ctx));
  } finally {
    await pg.destroy();
  }
}

/** One line per table: when it starts, every few seconds while it runs, and when it is done. */
function progressPrinter(out: NodeJS.WritableStream): (event: CopyProgress) => void {
  let lastAt = 0;
  return (event) => {
    switch (event.kind) {
      case 'migrated':
        out.write(
          event.applied.length > 0
            ? `Đã cập nhật cấu trúc PostgreSQL: ${event.applied.join(', ')}\n`
            : 'Cấu trúc PostgreSQL đã mới nhất.\n',
        );
        return;
      case 'emptied':
        out.write(`Đã xoá dữ liệu cũ ở PostgreSQL (--replace): ${event.tables.map((t) => t.table).join(', ')}\n`);
        return;
      case 'communes':
        if (event.added.length > 0) out.write(`Đã thêm xã vào bảng communes: ${event.added.join(', ')}\n`);
        return;
      case 'table': {
        const now = performance.now();
        const done = event.copied === event.total;
        if (!done && event.copied > 0 && now - lastAt < 2000) return;
        lastAt = now;
        if (done) out.write(`  ${event.table}: ${vi(event.total)} dòng ✓\n`);
        else if (event.copied > 0) out.write(`  ${event.table}: ${vi(event.copied)}/${vi(event.total)} dòng…\n`);
        return;
      }
    }
  };
}

/** What went wrong, in Vietnamese, and that PostgreSQL was left as it was. */
function explain(err: unknown, ctx: CliContext): string {
  const unchanged = 'Không có dòng nào được chép: dữ liệu ở PostgreSQL vẫn như trước khi chạy lệnh.';
  if (err instanceof TargetNotEmptyError) {
    const held = err.tables.map((t) => `${t.table} (${vi(t.pg)} dòng)`).join(', ');
    return (
      `PostgreSQL đã có dữ liệu: ${held}. ${unchanged}\n` +
      'Nếu chắc chắn muốn thay bằng dữ liệu của tệp SQLite, chạy lại với --replace ' +
      '(xoá dữ liệu cũ và chép lại trong cùng một giao dịch).'
    );
  }
  if (err instanceof NotOwnerError) {
    return (
      `tài khoản trong địa chỉ PostgreSQL không phải chủ sở hữu các bảng (${err.tables.slice(0, 5).join(', ')}…). ` +
      'Hãy dùng tài khoản chủ sở hữu (tài khoản chạy cập nhật cấu trúc), không dùng tài khoản ứng dụng. ' +
      unchanged
    );
  }
  if (err instanceof CountMismatchError) {
    ctx.stdout.write(`${countsTable(err.counts)}\n`);
    return `số dòng không khớp ở một số bảng (xem bảng trên). ${unchanged}`;
  }
  if (err instanceof SchemaMismatchError) {
    return `cấu trúc SQLite và PostgreSQL khác nhau (mã nguồn hai bên không cùng phiên bản?): ${err.problems.join('; ')}. ${unchanged}`;
  }
  const problem = pgConnectionProblem(err);
  if (problem !== undefined) return `${problem} ${unchanged}`;
  const detail = err instanceof Error ? err.message : String(err);
  const where =
    typeof err === 'object' && err !== null && 'table' in err && typeof err.table === 'string'
      ? ` (bảng ${err.table})`
      : '';
  return `chép thất bại${where}: ${detail}. ${unchanged}`;
}
