/**
 * @module cli/commune
 *
 * `cli commune add|list` (issue 20 item 3): a commune of a many-commune
 * install is a `communes` row plus a folder `knowledge/communes/<id>/` whose
 * commune.yaml starts from content/starterCommune (name, the plan's groups,
 * nothing invented). With DATABASE_URL the row is PostgreSQL's, else the
 * SQLite file's, so a commune can be prepared on either. `add` never
 * overwrites: a commune that already has its row and its file is left as it
 * is; a missing part (a row made by the service, a folder copied by hand) is
 * completed.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { COMMUNE_SLUG, communeContent, type CommuneContent } from '../content/communeContent.js';
import { COMMUNE_FILE } from '../content/loadCommune.js';
import { starterCommuneYaml } from '../content/starterCommune.js';
import type { MaybePromise } from '../core/ports.js';
import type { CommuneRegistry } from '../core/stores/communes.js';
import { ensureCommune, openDatabase } from '../storage/sqlite/db.js';
import { SqliteCommuneRegistry } from '../storage/sqlite/communeRegistry.js';
import type { CliContext } from './index.js';

const USAGE = `Cách dùng:
  commune add <mã xã> --name "<Tên xã>"
      Thêm một xã: tạo hàng của xã trong cơ sở dữ liệu và thư mục knowledge/communes/<mã xã>/
      với tệp commune.yaml mẫu (tên xã, các nhóm đối tượng của Kế hoạch, chưa có xóm/khối).
      Ví dụ: npm run -s cli -- commune add hung-nguyen --name "Xã Hưng Nguyên"
  commune list [--json]
      Danh sách các xã và tệp commune.yaml mà mỗi xã đang dùng.`;

const CommuneId = z
  .string({ error: 'thiếu mã xã, ví dụ: commune add hung-nguyen --name "Xã Hưng Nguyên"' })
  .trim()
  .max(60, 'mã xã dài tối đa 60 ký tự')
  .regex(COMMUNE_SLUG, 'mã xã chỉ gồm chữ thường không dấu, số và dấu gạch ngang (ví dụ: hung-nguyen)');

const CommuneName = z
  .string({ error: 'thiếu --name "<Tên xã>", ví dụ: --name "Xã Hưng Nguyên"' })
  .trim()
  .min(1, '--name đang trống')
  .max(120, '--name dài tối đa 120 ký tự')
  .regex(/^[^\p{Cc}]+$/u, '--name chỉ gồm một dòng chữ');

const AddArgs = z.object({ id: CommuneId, name: CommuneName });
const ListArgs = z.object({ json: z.boolean().optional() });

function fail(message: string): number {
  process.stderr.write(`Lỗi: ${message}\n\n${USAGE}\n`);
  return 1;
}

const zodMessage = (error: z.ZodError): string => error.issues.map((i) => i.message).join('; ');

/** The commune.yaml this commune reads, when there is one (content/communeContent's rule). */
function communeFileOf(content: CommuneContent): string | undefined {
  if (content.communeFileDir === undefined) return undefined;
  const path = join(content.communeFileDir, COMMUNE_FILE);
  return existsSync(path) ? path : undefined;
}

export async function runCommune(ctx: CliContext, args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...rest], options: OPTIONS, allowPositionals: true });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const out = (line: string): boolean => ctx.stdout.write(`${line}\n`);
  const onPg = ctx.config.DATABASE_URL !== undefined;
  const where = onPg ? 'PostgreSQL (DATABASE_URL)' : `tệp SQLite ${ctx.config.DATABASE_PATH}`;
  const withRegistry = async <T>(fn: (registry: CommuneRegistry) => MaybePromise<T>): Promise<T> => {
    const url = ctx.config.DATABASE_URL;
    if (url !== undefined) {
      const [{ openPgDatabase }, { PgCommuneRegistry }] = await Promise.all([
        import('../storage/pg/db.js'),
        import('../storage/pg/pgCommuneRegistry.js'),
      ]);
      const pg = openPgDatabase(url, { max: 1, applicationName: 'hocvuso-cli' });
      try {
        return await fn(new PgCommuneRegistry(pg, ctx.config.COMMUNE_ID));
      } finally {
        await pg.destroy();
      }
    }
    const db = openDatabase(ctx.config.DATABASE_PATH);
    try {
      ensureCommune(db, ctx.config.COMMUNE_ID);
      return await fn(new SqliteCommuneRegistry(db));
    } finally {
      db.close();
    }
  };

  switch (sub) {
    case 'add': {
      if (positionals.length > 1) return fail('chỉ ghi một mã xã; tên xã ghi sau --name, trong dấu ngoặc kép');
      const a = AddArgs.safeParse({ id: positionals[0], name: values.name });
      if (!a.success) return fail(zodMessage(a.error));
      const { id, name } = a.data;
      const content = await communeContent(ctx.config.KNOWLEDGE_DIR, id, ctx.config.COMMUNE_ID);
      const existingFile = communeFileOf(content);
      return withRegistry(async (registry) => {
        const row = await registry.get(id);
        if (row !== undefined && existingFile !== undefined) {
          process.stderr.write(
            `Xã "${id}" đã có (tên trong cơ sở dữ liệu: ${row.name}; tệp: ${existingFile}). Không thay đổi gì.\n`,
          );
          return 1;
        }
        const file = existingFile ?? join(content.folder, COMMUNE_FILE);
        if (existingFile === undefined) {
          await mkdir(content.folder, { recursive: true });
          // 'wx': never overwrite a file that appeared meanwhile.
          await writeFile(file, starterCommuneYaml(id, name), { flag: 'wx' });
        }
        if (row === undefined) await registry.add(id, name);
        out(`Đã thêm xã "${row?.name ?? name}" (mã: ${id}).`);
        out(`  Cơ sở dữ liệu: ${where}${row === undefined ? '' : ' (hàng của xã đã có từ trước, giữ nguyên)'}`);
        out(
          `  Tệp thông tin của xã: ${file}${existingFile === undefined ? ' (tệp mẫu mới tạo)' : ' (đã có từ trước, giữ nguyên)'}`,
        );
        out('Việc cần làm tiếp:');
        out(
          `  1. Điền danh sách xóm/khối (hamlets), mục tiêu theo Kế hoạch của xã (targets) và nơi liên hệ (contacts) ` +
            `trong ${file}, rồi kiểm tra: npm run -s cli -- quiz check --commune ${id}`,
        );
        out(
          `  2. Trang hướng dẫn, câu hỏi thường gặp (faq/) và bài kiểm tra (quizzes/) riêng của xã đặt trong ` +
            `${content.folder}/, xếp như thư mục knowledge/: tệp trùng đường dẫn (hoặc bài kiểm tra trùng mã) ` +
            'với tệp chung thì thay tệp chung, chỉ cho xã này; tệp khác thì được thêm vào.',
        );
        out(
          `  3. Thêm kênh cho xã: npm run -s cli -- channel add telegram --commune ${id}` +
            ` (Zalo OA: channel add zalo --commune ${id} --app-id <App ID>).`,
        );
        const base = ctx.config.PUBLIC_BASE_URL;
        out(`  4. Trang hỏi đáp trên web của xã: ${base === undefined ? '' : base}/x/${id}`);
        if (!onPg && id !== ctx.config.COMMUNE_ID) {
          out(
            `Lưu ý: trên SQLite, dịch vụ (npm start) chỉ phục vụ một xã (COMMUNE_ID=${ctx.config.COMMUNE_ID}); ` +
              'xã mới được phục vụ khi hệ thống chạy trên PostgreSQL (DATABASE_URL, chuyển dữ liệu bằng cli migrate-to-pg).',
          );
        }
        return 0;
      });
    }
    case 'list': {
      const a = ListArgs.safeParse(values);
      if (!a.success) return fail(zodMessage(a.error));
      if (positionals.length > 0) return fail('commune list không nhận thêm tham số');
      const rows = await withRegistry((registry) => registry.list());
      const listed = await Promise.all(
        rows.map(async (r) => ({
          ...r,
          file: communeFileOf(await communeContent(ctx.config.KNOWLEDGE_DIR, r.id, ctx.config.COMMUNE_ID)) ?? null,
        })),
      );
      if (a.data.json === true) {
        out(JSON.stringify(listed));
        return 0;
      }
      out(`Các xã trong ${where}:`);
      for (const r of listed) out(`${r.id}\t${r.name}\t${r.file ?? 'chưa có tệp commune.yaml (chạy commune add)'}`);
      return 0;
    }
    default:
      return fail(sub === undefined ? 'thiếu lệnh con: add hoặc list' : `không có lệnh con "${sub}"`);
  }
}

const OPTIONS = {
  name: { type: 'string' },
  json: { type: 'boolean' },
} as const;
