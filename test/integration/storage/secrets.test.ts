import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { badSettingMessage } from '../../../src/startupError.js';
import { createSecretBox, SecretOpenError } from '../../../src/storage/secretBox.js';
import { secretBoxFor, SecretKeyError } from '../../../src/storage/secretKey.js';
import { ensureCommune, openDatabase } from '../../../src/storage/sqlite/db.js';
import { SqliteZaloStore } from '../../../src/storage/sqlite/zaloStore.js';
import { tempDir } from '../../helpers.js';

const CONTEXT = 'zalo_tokens:hung-chau:app:refresh_token';

describe('secret box (AES-256-GCM)', () => {
  const box = createSecretBox(randomBytes(32));

  it('seals so the value does not show, and opens it back', () => {
    const sealed = box.seal('refresh-token-value', CONTEXT);
    expect(sealed).toMatch(/^enc:v1:/);
    expect(sealed).not.toContain('refresh-token-value');
    expect(box.open(sealed, CONTEXT)).toBe('refresh-token-value');
    expect(box.seal('refresh-token-value', CONTEXT)).not.toBe(sealed);
  });

  it('refuses another key, another row and a tampered value', () => {
    const sealed = box.seal('x', CONTEXT);
    expect(() => createSecretBox(randomBytes(32)).open(sealed, CONTEXT)).toThrow(SecretOpenError);
    expect(() => box.open(sealed, 'zalo_tokens:hung-chau:app:access_token')).toThrow(SecretOpenError);
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => box.open(tampered, CONTEXT)).toThrow(SecretOpenError);
    expect(() => box.open('enc:v1:broken', CONTEXT)).toThrow(SecretOpenError);
  });

  it('reads a value written before sealing existed as it is', () => {
    expect(box.open('plain-old-token', CONTEXT)).toBe('plain-old-token');
    expect(box.isSealed('plain-old-token')).toBe(false);
  });
});

describe('secret key file', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('is made beside the database on first use, owner-only, and reused afterwards', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const databasePath = join(t.dir, 'hocvuso.db');
    const first = secretBoxFor({ DATABASE_PATH: databasePath });
    expect(statSync(`${databasePath}.key`).mode & 0o777).toBe(0o600);
    const sealed = first.seal('token', CONTEXT);
    expect(secretBoxFor({ DATABASE_PATH: databasePath }).open(sealed, CONTEXT)).toBe('token');
  });

  it('comes from SECRETS_KEY_FILE when set, base64 or hex, and a bad file is a bad setting', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const key = randomBytes(32);
    const b64 = join(t.dir, 'b64.key');
    const hex = join(t.dir, 'hex.key');
    writeFileSync(b64, `${key.toString('base64')}\n`);
    writeFileSync(hex, key.toString('hex'));
    const sealed = secretBoxFor({ DATABASE_PATH: ':memory:', SECRETS_KEY_FILE: b64 }).seal('t', CONTEXT);
    expect(secretBoxFor({ DATABASE_PATH: ':memory:', SECRETS_KEY_FILE: hex }).open(sealed, CONTEXT)).toBe('t');

    const short = join(t.dir, 'short.key');
    writeFileSync(short, 'abc');
    const err = (() => {
      try {
        secretBoxFor({ DATABASE_PATH: ':memory:', SECRETS_KEY_FILE: short });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SecretKeyError);
    expect(badSettingMessage(err)).toContain('SECRETS_KEY_FILE');
    expect(() => secretBoxFor({ DATABASE_PATH: ':memory:', SECRETS_KEY_FILE: join(t.dir, 'missing.key') })).toThrow(
      SecretKeyError,
    );
  });

  it('names the default key file beside the database, not SECRETS_KEY_FILE, and says in words what is wrong', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const database = join(t.dir, 'hocvuso.db');
    mkdirSync(`${database}.key`); // a folder where the key file should be
    let err: unknown;
    try {
      secretBoxFor({ DATABASE_PATH: database });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SecretKeyError);
    const message = badSettingMessage(err) ?? '';
    expect(message).toContain(`tệp khóa bí mật cạnh cơ sở dữ liệu "${database}.key"`);
    expect(message).toContain('đây là một thư mục, không phải một tệp (EISDIR)');
    expect(message).not.toContain('SECRETS_KEY_FILE =');
  });
});

describe('Zalo tokens at rest', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('are stored sealed, tokens from before sealing are sealed at start, and a copy of the file shows none', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'hocvuso.db');
    const db = openDatabase(path);
    ensureCommune(db, 'hung-chau');
    db.prepare(
      `INSERT INTO zalo_tokens (commune_id, app_id, access_token, refresh_token, updated_at)
       VALUES ('hung-chau', 'app', 'plain-access', 'plain-refresh', '2026-01-01T00:00:00Z')`,
    ).run();
    const store = new SqliteZaloStore(db, 'hung-chau', 'app');
    expect(store.tokens()).toMatchObject({ accessToken: 'plain-access', refreshToken: 'plain-refresh' });
    store.saveRefreshed(
      { accessToken: 'new-access', refreshToken: 'new-refresh', expiresAt: new Date('2026-01-02T00:00:00Z') },
      new Date('2026-01-01T01:00:00Z'),
    );
    store.setRefreshToken('set-by-staff', new Date('2026-01-01T02:00:00Z'));
    expect(store.tokens()).toMatchObject({ accessToken: 'new-access', refreshToken: 'set-by-staff' });
    const raw = JSON.stringify(db.prepare('SELECT * FROM zalo_tokens').all());
    for (const plain of ['plain-access', 'plain-refresh', 'new-access', 'set-by-staff'])
      expect(raw).not.toContain(plain);
    db.close();

    // Another key (the key file lost): the tokens read as absent and the last error says why.
    const otherKey = join(t.dir, 'other.key');
    writeFileSync(otherKey, randomBytes(32).toString('base64'));
    const again = openDatabase(path);
    const stranger = new SqliteZaloStore(
      again,
      'hung-chau',
      'app',
      undefined,
      secretBoxFor({ DATABASE_PATH: path, SECRETS_KEY_FILE: otherKey }),
    );
    const lost = stranger.tokens();
    expect(lost.refreshToken).toBeUndefined();
    expect(lost.accessToken).toBeUndefined();
    expect(lost.lastError).toMatch(/SECRETS_KEY_FILE/);
    again.close();
  });
});
