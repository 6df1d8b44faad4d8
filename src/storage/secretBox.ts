/**
 * @module storage/secretBox
 *
 * Secrets the service must keep in its database (the Zalo OA's access and
 * refresh tokens today; every channel's bot token and webhook secret once
 * channels are rows, issue 20) are stored sealed with AES-256-GCM under a key
 * that is never in the database: a copied database file, a backup or an
 * export shows no usable token. The row's identity is bound in as associated
 * data, so a sealed value moved to another row or column does not open.
 *
 * Stored form: `enc:v1:<iv>:<tag>:<ciphertext>` (base64url). A value without
 * that prefix is a token written before sealing existed: it is read as it is
 * and sealed the next time it is written (SqliteZaloStore also re-seals
 * such rows at start).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
export const SECRET_KEY_BYTES = 32;

/** Raised when a sealed value does not open: another key, or a tampered value. */
export class SecretOpenError extends Error {
  constructor(readonly context: string) {
    super(
      `Không giải mã được bí mật đã lưu (${context}): khóa bí mật (SECRETS_KEY_FILE) không phải khóa đã dùng khi lưu, hoặc dữ liệu đã bị sửa.`,
    );
    this.name = 'SecretOpenError';
  }
}

export interface SecretBox {
  /** The value sealed for `context` (e.g. 'zalo_tokens:hung-chau:123:refresh_token'). */
  seal(plain: string, context: string): string;
  /** The plain value; a value stored before sealing existed is returned as it is. */
  open(stored: string, context: string): string;
  /** Whether a stored value is sealed (false: written before sealing existed). */
  isSealed(stored: string): boolean;
}

const b64 = (b: Buffer): string => b.toString('base64url');

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== SECRET_KEY_BYTES) throw new Error(`the secret key must be ${SECRET_KEY_BYTES} bytes`);
  return {
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${b64(iv)}:${b64(cipher.getAuthTag())}:${b64(body)}`;
    },
    open(stored, context) {
      if (!stored.startsWith(PREFIX)) return stored;
      const [iv, tag, body] = stored.slice(PREFIX.length).split(':');
      if (iv === undefined || tag === undefined || body === undefined) throw new SecretOpenError(context);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretOpenError(context);
      }
    },
    isSealed: (stored) => stored.startsWith(PREFIX),
  };
}
