/**
 * @module cli/population
 *
 * `cli population import FILE.csv` and `cli population template`: the
 * population figures without the console, with the same file, the same rules
 * and the same messages as the console's upload. An import saves everything
 * or nothing: with any wrong row it lists each by line number and exits 1.
 * The hamlets and groups are those in force: commune.yaml with what staff
 * saved in the console laid over it. With DATABASE_URL the figures are
 * PostgreSQL's (cliStores.ts), else the SQLite file's.
 */
import { readFile } from 'node:fs/promises';
import { loadCommune } from '../content/loadCommune.js';
import { populationTemplate, POPULATION_CSV_MAX_BYTES } from '../content/populationCsv.js';
import { importPopulation } from '../staff/populationImport.js';
import type { AuditLog } from '../staff/types.js';
import type { PopulationSource } from '../core/stores/reports.js';
import type { PopulationStore } from '../core/stores/populationEdit.js';
import { pgProblemExit, withCliStores } from './cliStores.js';
import type { CliContext } from './index.js';

const USAGE =
  'Cách dùng: npm run -s cli -- population import TỆP.csv   (nhập số dân theo xóm/khối và nhóm đối tượng)\n' +
  '           npm run -s cli -- population template         (in tệp mẫu CSV; thêm "> mau.csv" để lưu thành tệp)';

/** Who the audit log and the rows name as having made a change from the command line. */
export const CLI_ACTOR = 'cli';

export interface PopulationCliOptions {
  readonly stderr?: NodeJS.WritableStream;
  /** Where the import is recorded; the database's own staff audit log when absent. */
  readonly audit?: AuditLog;
}

export async function runPopulation(
  ctx: CliContext,
  args: readonly string[],
  options: PopulationCliOptions = {},
): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const [sub, ...rest] = args;
  if (!((sub === 'import' && rest.length === 1) || (sub === 'template' && rest.length === 0))) {
    stderr.write(`${USAGE}\n`);
    return 1;
  }
  let bytes: Buffer | undefined;
  if (sub === 'import') {
    const file = rest[0] as string;
    try {
      bytes = await readFile(file);
    } catch (err) {
      const code = err instanceof Error && 'code' in err ? String(err.code) : String(err);
      stderr.write(`Không đọc được tệp ${file} (${code}).\n`);
      return 1;
    }
    if (bytes.byteLength > POPULATION_CSV_MAX_BYTES) {
      stderr.write(`Tệp ${file} quá lớn: tối đa ${POPULATION_CSV_MAX_BYTES / 1024} KB.\n`);
      return 1;
    }
  }

  const { commune: file, problems } = await loadCommune(ctx.config.KNOWLEDGE_DIR);
  for (const p of problems) ctx.logger.warn(p);
  const clock = { now: () => new Date() };
  try {
    return await withCliStores(ctx, clock, async (stores) => {
      await stores.ensureCommune();
      const commune = await stores.communeInForce(file, ctx.logger);
      // Typed as the ports: reads and the import are awaited on either database.
      const store: PopulationSource & PopulationStore = stores.population;
      const lists = { hamlets: commune.hamlets, groups: commune.groups };
      if (bytes === undefined) {
        ctx.stdout.write(populationTemplate(lists, await store.population(), await store.vneidCertified()));
        if (lists.hamlets.length === 0) {
          stderr.write('Chú ý: xã chưa có xóm/khối nào, tệp mẫu chỉ có dòng tiêu đề. Thêm xóm/khối trước.\n');
        }
        return 0;
      }
      const audit = options.audit ?? stores.audit;
      const result = await importPopulation({ lists, store, clock, audit }, bytes, CLI_ACTOR, 'cli');
      if (!result.ok) {
        stderr.write(`Chưa nhập gì từ ${rest[0]} vì tệp có chỗ sai:\n`);
        for (const e of result.errors) stderr.write(`  - ${e}\n`);
        return 1;
      }
      ctx.stdout.write(`Đã nhập số liệu dân số từ ${rest[0]}:\n`);
      for (const line of result.summary) ctx.stdout.write(`  ${line}\n`);
      ctx.stdout.write(
        result.changes.length === 0
          ? 'Số liệu trong tệp giống hệt số liệu đã có, không có gì thay đổi.\n'
          : `Đã thay đổi ${result.changes.length} ô số liệu.\n`,
      );
      return 0;
    });
  } catch (err) {
    return pgProblemExit(ctx, err, stderr);
  }
}
