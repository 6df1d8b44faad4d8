/**
 * @module storage/pg/pgProblems
 *
 * What staff read when PostgreSQL cannot be used: the server is not there,
 * it refuses the account, the database or the tables do not exist yet. The
 * driver's message names the cause in English and SQL terms; this says it in
 * Vietnamese with what to do. Shared by every command that opens DATABASE_URL.
 */

const UNREACHABLE = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN'];

function codeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

/** A Vietnamese sentence for a connection or set-up problem; undefined for any other error. */
export function pgConnectionProblem(err: unknown): string | undefined {
  const detail = err instanceof Error ? err.message : String(err);
  const code = codeOf(err);
  if (UNREACHABLE.includes(code)) {
    return `không kết nối được tới PostgreSQL (${detail}): kiểm tra tên máy, cổng trong địa chỉ và máy chủ có đang chạy không.`;
  }
  if (code === '28P01' || code === '28000') {
    return `PostgreSQL từ chối đăng nhập (${detail}): kiểm tra tên tài khoản và mật khẩu trong địa chỉ.`;
  }
  if (code === '3D000') {
    return `chưa có cơ sở dữ liệu này (${detail}): tạo trước bằng CREATE DATABASE … OWNER <tài khoản chủ sở hữu>.`;
  }
  if (code === '42P01') {
    return (
      `cơ sở dữ liệu PostgreSQL chưa có các bảng của Hocvuso (${detail}): chạy ` +
      '"npm run -s cli -- migrate-to-pg --to postgres://<tài khoản chủ sở hữu>@…" một lần để tạo bảng (và chép dữ liệu SQLite nếu có).'
    );
  }
  return undefined;
}
