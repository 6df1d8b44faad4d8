/**
 * @module storage/sqlite/health
 *
 * Whether the database behind the service can really keep what it is given.
 * `SELECT 1` was not enough: it answered from the page cache after the data
 * folder was deleted (the connection writes on into a file nobody can open
 * again, so every pass "recorded" then is lost at restart), with the disk
 * full, and with the files unwritable. So the probe checks, cheapest first:
 *
 *  1. the path still names the very file the connection opened (same device
 *     and inode): not deleted, not replaced by a restore or a copy;
 *  2. the file system has room left;
 *  3. a real write commits: one row per commune in `health_checks`, through
 *     the same group commit as the residents' turns, so a failing commit is
 *     seen as the turns would see it.
 */
import { statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { openedFile, type Db } from './db.js';
import type { WriteScope } from './writeScope.js';

/** Below this much free space the database is reported full: a turn's commit may no longer fit. */
export const MIN_FREE_BYTES = 1024 * 1024;

export type DatabaseFault = 'database_missing' | 'database_replaced' | 'disk_full' | 'write_failed';

export type DatabaseHealth =
  { readonly ok: true } | { readonly ok: false; readonly reason: DatabaseFault; readonly message: string };

export interface DatabaseProbeDeps {
  readonly db: Db;
  readonly writes: WriteScope;
  readonly communeId: string;
  readonly now: () => Date;
  /** Free bytes on the file system holding `dir` (tests replace it to simulate a full disk). */
  readonly freeBytes?: (dir: string) => number;
}

/** Space an ordinary writer may use; root may also use the blocks reserved for it, as SQLite running as root would. */
function systemFreeBytes(dir: string): number {
  const s = statfsSync(dir);
  return (process.getuid?.() === 0 ? s.bfree : s.bavail) * s.bsize;
}

function fault(reason: DatabaseFault, message: string): DatabaseHealth {
  return { ok: false, reason, message };
}

/** Checks the file behind the connection, then writes; never throws. */
export function createDatabaseProbe(deps: DatabaseProbeDeps): () => Promise<DatabaseHealth> {
  const freeBytes = deps.freeBytes ?? systemFreeBytes;
  return async () => {
    const opened = openedFile(deps.db);
    if (opened) {
      let now: { dev: number; ino: number };
      try {
        now = statSync(opened.path);
      } catch {
        return fault(
          'database_missing',
          `Tệp cơ sở dữ liệu "${opened.path}" đã bị xóa trong khi dịch vụ chạy: mọi thứ ghi từ lúc đó sẽ mất khi khởi động lại. Hãy khôi phục tệp (hoặc bản sao lưu) rồi khởi động lại dịch vụ.`,
        );
      }
      if (now.dev !== opened.dev || now.ino !== opened.ino) {
        return fault(
          'database_replaced',
          `Tệp cơ sở dữ liệu "${opened.path}" đã bị thay bằng một tệp khác trong khi dịch vụ chạy: dịch vụ vẫn ghi vào tệp cũ. Hãy khởi động lại dịch vụ để dùng tệp mới.`,
        );
      }
      try {
        const free = freeBytes(dirname(opened.path));
        if (free < MIN_FREE_BYTES) {
          return fault(
            'disk_full',
            `Ổ đĩa chứa cơ sở dữ liệu "${opened.path}" đã đầy (còn ${Math.floor(free / 1024)} KB): hãy giải phóng chỗ trống.`,
          );
        }
      } catch {
        // No free-space figure on this system: the write below still tells whether a commit fits.
      }
    }
    try {
      await deps.writes.run(() => {
        deps.db
          .prepare(
            `INSERT INTO health_checks (commune_id, checked_at) VALUES (?, ?)
             ON CONFLICT (commune_id) DO UPDATE SET checked_at = excluded.checked_at`,
          )
          .run(deps.communeId, deps.now().toISOString());
        return Promise.resolve();
      });
      return { ok: true };
    } catch (err) {
      return fault(
        'write_failed',
        `Không ghi được vào cơ sở dữ liệu: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
}
