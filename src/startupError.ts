/**
 * @module startupError
 *
 * Which start-up failures are a bad setting (exit code 2, the message names
 * the variable, as README promises) and how they are printed; shared by
 * `npm start` and the CLI. A database path that cannot be used is a bad
 * DATABASE_PATH, whichever check found it (see storage/sqlite/dbFiles); a key
 * file that cannot be used is a bad SECRETS_KEY_FILE, or for the default
 * key file beside the database, a file to repair (storage/secretKey).
 */
import { ConfigError, describeConfigError } from './config.js';
import { SecretKeyError } from './storage/secretKey.js';
import { DatabasePathError } from './storage/sqlite/dbFiles.js';

/** Exit code for a bad setting. */
export const BAD_SETTING_EXIT = 2;

/** The stderr text for a bad setting, or undefined when `err` is some other failure. */
export function badSettingMessage(err: unknown): string | undefined {
  if (err instanceof ConfigError) return describeConfigError(err);
  if (err instanceof DatabasePathError) {
    return describeConfigError(new ConfigError([`DATABASE_PATH = ${JSON.stringify(err.path)}: ${err.problem}`]));
  }
  if (err instanceof SecretKeyError) {
    const line = err.fromSetting
      ? `SECRETS_KEY_FILE = ${JSON.stringify(err.path)}: ${err.problem}`
      : `tệp khóa bí mật cạnh cơ sở dữ liệu ${JSON.stringify(err.path)}: ${err.problem}` +
        ' (sửa quyền của tệp, hoặc đặt SECRETS_KEY_FILE trỏ tới một tệp khóa khác)';
    return describeConfigError(new ConfigError([line]));
  }
  return undefined;
}
