/**
 * @module cli/sqliteOnly
 *
 * The commands that still work on the SQLite file only (issue 20): with
 * DATABASE_URL set, each says so in Vietnamese and exits 1, instead of
 * quietly reading and writing the SQLite file while staff believe they work
 * on PostgreSQL, or failing on a driver error.
 */

/** Why each command has no PostgreSQL path yet, and what to do meanwhile. */
const SQLITE_ONLY: Readonly<Record<string, string>> = {
  chat: 'Để thử trợ lý trên PostgreSQL, dùng lệnh ask (ví dụ: npm run -s cli -- ask "câu hỏi").',
};

/** The message for `command` when it cannot run on PostgreSQL and DATABASE_URL is set; undefined otherwise. */
export function sqliteOnlyMessage(command: string, databaseUrl: string | undefined): string | undefined {
  const meanwhile = SQLITE_ONLY[command];
  if (databaseUrl === undefined || meanwhile === undefined) return undefined;
  return (
    `Lỗi: lệnh ${command} chưa chạy được trên PostgreSQL (DATABASE_URL đang được đặt), và không tự chuyển sang ` +
    `tệp SQLite. Bỏ DATABASE_URL để dùng lệnh này với tệp SQLite (DATABASE_PATH). ${meanwhile}\n`
  );
}
