/**
 * Channel rows (issue 20 item 3) in the SQLite file: a row gets a random
 * URL-safe public key, its secrets are sealed (the file's bytes hold no
 * token), staff-facing reads never return a secret, one enabled channel per
 * commune and kind, and a disabled or unknown key finds nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox, SecretOpenError } from '../../../src/storage/secretBox.js';
import { SqliteChannelRepo } from '../../../src/storage/sqlite/channelRepo.js';
import { ensureCommune, openDatabase, type Db } from '../../../src/storage/sqlite/db.js';
import { tempDir } from '../../helpers.js';

const TOKEN = '987654321:AAH-plaintext_token_never_on_disk';
const HOOK = 'hook-secret-never-on-disk-0123456789';
const NOW = new Date('2026-12-06T09:00:00.000Z');

describe('SqliteChannelRepo', () => {
  let tmp: { dir: string; cleanup: () => void };
  let db: Db;
  let path: string;
  const key = randomBytes(32);
  let repo: SqliteChannelRepo;

  beforeEach(() => {
    tmp = tempDir('hocvuso-channels-');
    path = join(tmp.dir, 'hocvuso.db');
    db = openDatabase(path);
    ensureCommune(db, 'hung-chau');
    ensureCommune(db, 'xa-b');
    repo = new SqliteChannelRepo(db, () => createSecretBox(key));
  });

  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('adds a row with a fresh random key and seals its secrets', () => {
    const a = repo.add('hung-chau', { kind: 'telegram', botToken: TOKEN, webhookSecret: HOOK }, NOW);
    const b = repo.add('xa-b', { kind: 'telegram', botToken: TOKEN, webhookSecret: HOOK }, NOW);
    if (!a.ok || !b.ok) throw new Error('rows expected');
    expect(a.row.publicKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a.row.publicKey).not.toBe(b.row.publicKey);
    expect(a.row).toMatchObject({ communeId: 'hung-chau', kind: 'telegram', enabled: true });

    const stored = db.prepare('SELECT secrets FROM channels').all() as { secrets: string }[];
    for (const s of stored) {
      expect(s.secrets.startsWith('enc:v1:')).toBe(true);
      expect(s.secrets).not.toContain(TOKEN);
    }
    const found = repo.find('telegram', a.row.publicKey);
    expect(found?.row.communeId).toBe('hung-chau');
    expect(found?.secrets()).toEqual({ kind: 'telegram', botToken: TOKEN, webhookSecret: HOOK });

    db.pragma('wal_checkpoint(TRUNCATE)');
    for (const f of [path, `${path}-wal`]) {
      if (!existsSync(f)) continue;
      const bytes = readFileSync(f);
      expect(bytes.includes(Buffer.from(TOKEN))).toBe(false);
      expect(bytes.includes(Buffer.from(HOOK))).toBe(false);
    }
  });

  it('lists rows without any secret', () => {
    repo.add('hung-chau', { kind: 'telegram', botToken: TOKEN, webhookSecret: HOOK }, NOW);
    repo.add('xa-b', { kind: 'zalo', appId: '123', oaSecretKey: 'oa-key', appSecret: 'app-secret' }, NOW);
    const all = repo.list();
    expect(all.map((r) => [r.communeId, r.kind])).toEqual([
      ['hung-chau', 'telegram'],
      ['xa-b', 'zalo'],
    ]);
    expect(JSON.stringify(all)).not.toContain(TOKEN);
    expect(JSON.stringify(all)).not.toContain('oa-key');
    expect(repo.list('xa-b')).toHaveLength(1);
  });

  it('refuses an unknown commune and a second enabled channel of a kind', () => {
    expect(repo.add('nowhere', { kind: 'telegram', botToken: TOKEN, webhookSecret: HOOK }, NOW)).toEqual({
      ok: false,
      reason: 'unknown_commune',
    });
    const first = repo.add('hung-chau', { kind: 'telegram', botToken: TOKEN, webhookSecret: HOOK }, NOW);
    expect(repo.add('hung-chau', { kind: 'telegram', botToken: TOKEN, webhookSecret: HOOK }, NOW)).toEqual({
      ok: false,
      reason: 'already_enabled',
    });
    if (!first.ok) throw new Error('row expected');
    expect(repo.disable(first.row.publicKey, NOW)).toBe(true);
    expect(repo.add('hung-chau', { kind: 'telegram', botToken: TOKEN, webhookSecret: HOOK }, NOW).ok).toBe(true);
  });

  it('finds nothing for an unknown, disabled or other-kind key', () => {
    const a = repo.add('hung-chau', { kind: 'telegram', botToken: TOKEN, webhookSecret: HOOK }, NOW);
    if (!a.ok) throw new Error('row expected');
    expect(repo.find('telegram', 'no-such-key')).toBeUndefined();
    expect(repo.find('zalo', a.row.publicKey)).toBeUndefined();
    expect(repo.disable(a.row.publicKey, NOW)).toBe(true);
    expect(repo.disable(a.row.publicKey, NOW)).toBe(false);
    expect(repo.find('telegram', a.row.publicKey)).toBeUndefined();
    expect(repo.list()[0]?.enabled).toBe(false);
  });

  it('does not open under another key, nor when the sealed value is moved to another row', () => {
    const a = repo.add('hung-chau', { kind: 'telegram', botToken: TOKEN, webhookSecret: HOOK }, NOW);
    const b = repo.add('xa-b', { kind: 'telegram', botToken: 'other:token', webhookSecret: 'other' }, NOW);
    if (!a.ok || !b.ok) throw new Error('rows expected');
    const other = new SqliteChannelRepo(db, () => createSecretBox(randomBytes(32)));
    expect(() => other.find('telegram', a.row.publicKey)?.secrets()).toThrow(SecretOpenError);
    db.prepare('UPDATE channels SET secrets = (SELECT secrets FROM channels WHERE id = ?) WHERE id = ?').run(
      a.row.id,
      b.row.id,
    );
    expect(() => repo.find('telegram', b.row.publicKey)?.secrets()).toThrow(SecretOpenError);
  });
});
