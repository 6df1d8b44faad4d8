/**
 * @module fsErrors
 *
 * The system's error codes (EACCES, ENOENT, EISDIR…) and what they mean to
 * the commune's staff. Node reports a refused file or socket as an error
 * object with a `code`; the sentences that name the setting to change (a
 * database path, a key file, a port) all start from that code, so it is read
 * here once, and the file codes get one Vietnamese wording everywhere.
 */

/** The error's system code ("EACCES"), or undefined when it has none. */
export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

/**
 * Why a file or folder cannot be used, in words staff understand, with the
 * system's code in brackets for whoever searches for it. `access` names what
 * was refused when the system says "permission denied".
 */
export function fileProblem(err: unknown, access: 'đọc' | 'ghi' = 'ghi'): string {
  const code = errorCode(err);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `không có quyền ${access} (${code})`;
    case 'EROFS':
      return `nằm trên ổ đĩa chỉ cho đọc (${code})`;
    case 'ENOENT':
      return `đường dẫn không tồn tại và không tạo được ở đây (${code})`;
    case 'EISDIR':
      return `đây là một thư mục, không phải một tệp (${code})`;
    case 'ENOTDIR':
      return `một phần của đường dẫn là tệp, không phải thư mục (${code})`;
    case 'ENOSPC':
      return `ổ đĩa đã đầy (${code})`;
    case undefined:
      return `hệ thống báo lỗi: ${String(err)}`;
    default:
      return `hệ thống báo lỗi ${code}`;
  }
}
