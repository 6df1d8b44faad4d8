/**
 * @module storage/secretKey
 *
 * Where the key of storage/secretBox.ts comes from, never the database:
 *
 *  1. SECRETS_KEY_FILE, a file holding 32 random bytes as base64 (or 64 hex
 *     digits): the choice for an install whose database backups go
 *     elsewhere than its key;
 *  2. otherwise a file beside the database, `<database>.key`, made on first
 *     start with mode 0600, so `npm start` needs no setting. It protects the
 *     tokens in a copied database file or a `.backup`, not in a copy of the
 *     whole data folder: README says to keep it out of such copies;
 *  3. an in-memory database gets a key that lives as long as the process.
 *
 * Losing the key loses nothing but the sealed tokens: the Zalo OA's refresh
 * token is set again with `cli zalo set-token` (README).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { errorCode, fileProblem } from '../fsErrors.js';
import { createSecretBox, SECRET_KEY_BYTES, type SecretBox } from './secretBox.js';

/**
 * Raised when the key file cannot be read or holds no usable key; `problem`
 * is for staff, in Vietnamese. `fromSetting` says whether SECRETS_KEY_FILE
 * named the file (the fix is that setting) or it is the default file beside
 * the database (the fix is the file itself, or pointing the setting elsewhere).
 */
export class SecretKeyError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly fromSetting = false,
  ) {
    super(`Không dùng được tệp khóa bí mật "${path}": ${problem}`);
    this.name = 'SecretKeyError';
  }
}

function parseKey(text: string, path: string, fromSetting: boolean): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== SECRET_KEY_BYTES) {
    throw new SecretKeyError(
      path,
      `tệp phải chứa đúng ${SECRET_KEY_BYTES} byte ngẫu nhiên dạng base64 (ví dụ tạo bằng: openssl rand -base64 32)`,
      fromSetting,
    );
  }
  return key;
}

function readKey(path: string, fromSetting: boolean): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw new SecretKeyError(path, `không đọc được: ${fileProblem(err, 'đọc')}`, fromSetting);
  }
  return parseKey(text, path, fromSetting);
}

/**
 * Creates the key file, complete or not at all: the key is written and flushed to a temporary file,
 * then linked to its name, so another process starting at the same moment never reads a half-written
 * file, and a crash leaves no empty one. If that process linked first, both use its key.
 */
function createKeyFile(path: string): Buffer {
  const key = randomBytes(SECRET_KEY_BYTES);
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, `${key.toString('base64')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(temp, path);
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return readKey(path, false) ?? parseKey('', path, false);
    throw new SecretKeyError(path, `không tạo được: ${fileProblem(err)}`);
  } finally {
    rmSync(temp, { force: true });
  }
  return key;
}

/** The box of this install's settings (config's DATABASE_PATH and SECRETS_KEY_FILE). */
export function secretBoxFor(settings: {
  readonly DATABASE_PATH: string;
  readonly SECRETS_KEY_FILE?: string | undefined;
}): SecretBox {
  const keyFile = settings.SECRETS_KEY_FILE;
  if (keyFile !== undefined) {
    const key = readKey(keyFile, true);
    if (!key) {
      throw new SecretKeyError(
        keyFile,
        'không có tệp này (tạo bằng: openssl rand -base64 32 > TỆP && chmod 600 TỆP)',
        true,
      );
    }
    return createSecretBox(key);
  }
  if (settings.DATABASE_PATH === ':memory:' || settings.DATABASE_PATH === '') {
    return createSecretBox(randomBytes(SECRET_KEY_BYTES));
  }
  const path = `${settings.DATABASE_PATH}.key`;
  return createSecretBox(readKey(path, false) ?? createKeyFile(path));
}
