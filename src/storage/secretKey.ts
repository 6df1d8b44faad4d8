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
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createSecretBox, SECRET_KEY_BYTES, type SecretBox } from './secretBox.js';

/** Raised when the key file cannot be read or holds no usable key; `problem` is for staff, in Vietnamese. */
export class SecretKeyError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`Không dùng được tệp khóa bí mật "${path}": ${problem}`);
    this.name = 'SecretKeyError';
  }
}

function parseKey(text: string, path: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== SECRET_KEY_BYTES) {
    throw new SecretKeyError(
      path,
      `tệp phải chứa đúng ${SECRET_KEY_BYTES} byte ngẫu nhiên dạng base64 (ví dụ tạo bằng: openssl rand -base64 32)`,
    );
  }
  return key;
}

function readKey(path: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    if (code === 'ENOENT') return undefined;
    throw new SecretKeyError(path, `không đọc được (${code || String(err)})`);
  }
  return parseKey(text, path);
}

/** Creates the key file, unless another process just did (then reads theirs): both end up with one key. */
function createKeyFile(path: string): Buffer {
  const key = randomBytes(SECRET_KEY_BYTES);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    if (code === 'EEXIST') return readKey(path) ?? parseKey('', path);
    throw new SecretKeyError(path, `không tạo được (${code || String(err)})`);
  }
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
  } finally {
    closeSync(fd);
  }
  return key;
}

export function secretBoxFor(settings: { readonly databasePath: string; readonly keyFile?: string }): SecretBox {
  if (settings.keyFile !== undefined) {
    const key = readKey(settings.keyFile);
    if (!key) throw new SecretKeyError(settings.keyFile, 'không có tệp này');
    return createSecretBox(key);
  }
  if (settings.databasePath === ':memory:' || settings.databasePath === '') {
    return createSecretBox(randomBytes(SECRET_KEY_BYTES));
  }
  const path = `${settings.databasePath}.key`;
  return createSecretBox(readKey(path) ?? createKeyFile(path));
}
