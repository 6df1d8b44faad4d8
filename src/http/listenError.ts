/**
 * @module http/listenError
 *
 * Turns the system's refusal to listen into a sentence that names the
 * setting to change. `listen` reports a bad HOST as "getaddrinfo ENOTFOUND"
 * or "EADDRNOTAVAIL" and a privileged PORT as "EACCES", none of which tells
 * the commune's staff which variable is wrong. A wrong value is a
 * ConfigError (exit code 2, as for any bad setting); a port already taken is
 * a plain error (exit code 1), since it may free itself and a supervisor
 * should retry.
 */
import { ConfigError } from '../config.js';
import { errorCode } from '../fsErrors.js';

export function listenError(err: unknown, port: number, host: string): Error {
  const code = errorCode(err);
  const h = JSON.stringify(host);
  switch (code) {
    case 'EADDRNOTAVAIL':
      return new ConfigError([
        `HOST = ${h}: máy này không có địa chỉ đó để nhận kết nối (EADDRNOTAVAIL); dùng 0.0.0.0 (mọi địa chỉ), 127.0.0.1 (chỉ trong máy) hoặc một địa chỉ IP của máy`,
      ]);
    case 'ENOTFOUND':
    case 'EAI_NONAME':
      return new ConfigError([`HOST = ${h}: không tìm thấy tên máy này (${code}); dùng một địa chỉ IP của máy`]);
    case 'EAI_AGAIN':
      return new Error(`Không tra được tên máy HOST = ${h} (EAI_AGAIN): máy chủ tên miền không trả lời; thử lại sau`, {
        cause: err,
      });
    case 'EACCES':
      return new ConfigError([
        `PORT = "${port}": cổng dưới 1024 cần quyền quản trị (EACCES); dùng cổng từ 1024 trở lên, hoặc đặt dịch vụ sau một máy chủ web`,
      ]);
    case 'EADDRINUSE':
      return new Error(
        `Cổng PORT = ${port} trên HOST = ${h} đang có chương trình khác dùng (EADDRINUSE): dừng chương trình đó hoặc chọn cổng khác`,
        { cause: err },
      );
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}
