/**
 * @module cli/prune
 *
 * `cli prune`: removes rows older than their retention now, as the running
 * service does every hour (useful after lowering a RETENTION_* setting, or
 * with the service stopped). Prints one line per table with what was
 * removed, and the retention in force. With DATABASE_URL it prunes
 * COMMUNE_ID's rows in PostgreSQL (storage/pg/pgRetention.ts, the same tables
 * and rules); when another process is pruning that commune right now, it says
 * so and removes nothing (exit 0: the other run does the work).
 */
import { retentionOf } from '../limitsConfig.js';
import { RETAINED_TABLES } from '../storage/sqlite/retention.js';
import { pgProblemExit, withCliStores } from './cliStores.js';
import type { CliContext } from './index.js';

export async function runPrune(ctx: CliContext): Promise<number> {
  const now = new Date();
  try {
    return await withCliStores(ctx, { now: () => now }, async (stores) => {
      const days = retentionOf(ctx.config);
      const report = await stores.prune(days, now);
      if (report === undefined) {
        process.stderr.write(
          `Một tiến trình khác (dịch vụ đang chạy) đang dọn dữ liệu cũ của xã ${ctx.config.COMMUNE_ID} ngay lúc này; ` +
            'lần chạy này không xóa gì. Chạy lại sau ít phút nếu cần.\n',
        );
        return 0;
      }
      for (const { table, days: kind } of RETAINED_TABLES) {
        ctx.stdout.write(`${table}: ${report[table] ?? 0} removed (kept ${days[kind]} days)\n`);
      }
      return 0;
    });
  } catch (err) {
    return pgProblemExit(ctx, err);
  }
}
