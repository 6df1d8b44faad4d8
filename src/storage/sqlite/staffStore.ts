/**
 * @module storage/sqlite/staffStore
 *
 * Staff accounts and what signs them in: one-time set-up tokens, server-side
 * sessions and the failed-login record the throttle reads. Tokens and
 * session ids arrive here already hashed (staff/signing.ts); the password
 * only as its scrypt hash. A session is valid only while its account is not
 * disabled, so disabling ends every session at its next request.
 */
import type {
  FailureKind,
  NewStaffAccount,
  StaffAccount,
  StaffCredentials,
  StaffSessionRecord,
  StaffStore,
} from '../../staff/storePort.js';
import { principalOf, staffAccountOf as toAccount, type StaffAccountRow as AccountRow } from '../staffRowForms.js';
import type { Db } from './db.js';

export type { FailureKind, NewStaffAccount, StaffAccount, StaffSessionRecord } from '../../staff/storePort.js';

const ACCOUNT_COLUMNS = 'id, name, role, hamlet_id, created_at, disabled_at, password_hash';

/** Synchronous: callers inside a better-sqlite3 transaction may use it as it is (never await inside one). */
export class SqliteStaffStore implements StaffStore {
  constructor(
    private readonly db: Db,
    private readonly communeId: string,
  ) {}

  // ── accounts ──────────────────────────────────────────────────────────

  /** False when the id is taken. */
  addAccount(account: NewStaffAccount, at: Date): boolean {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO staff_accounts (commune_id, id, name, role, hamlet_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(this.communeId, account.id, account.name, account.role, account.hamletId ?? null, at.toISOString());
    return result.changes === 1;
  }

  account(id: string): StaffAccount | undefined {
    const row = this.row(id);
    return row ? toAccount(row) : undefined;
  }

  /** The account and its password hash, for the login check only. */
  credentials(id: string): StaffCredentials | undefined {
    const row = this.row(id);
    if (!row) return undefined;
    return {
      principal: principalOf(row),
      ...(row.password_hash !== null && { passwordHash: row.password_hash }),
      disabled: row.disabled_at !== null,
    };
  }

  private row(id: string): AccountRow | undefined {
    return this.db
      .prepare(`SELECT ${ACCOUNT_COLUMNS} FROM staff_accounts WHERE commune_id = ? AND id = ?`)
      .get(this.communeId, id) as AccountRow | undefined;
  }

  accounts(): StaffAccount[] {
    const rows = this.db
      .prepare(`SELECT ${ACCOUNT_COLUMNS} FROM staff_accounts WHERE commune_id = ? ORDER BY created_at, id`)
      .all(this.communeId) as AccountRow[];
    return rows.map(toAccount);
  }

  /** Disables the account and ends its sessions and set-up links. False when no such active account. */
  disable(id: string, at: Date): boolean {
    return this.db.transaction(() => {
      const r = this.db
        .prepare('UPDATE staff_accounts SET disabled_at = ? WHERE commune_id = ? AND id = ? AND disabled_at IS NULL')
        .run(at.toISOString(), this.communeId, id);
      if (r.changes === 0) return false;
      this.endSessionsOf(id);
      this.db
        .prepare('DELETE FROM staff_setup_tokens WHERE commune_id = ? AND account_id = ? AND used_at IS NULL')
        .run(this.communeId, id);
      return true;
    })();
  }

  // ── set-up tokens ─────────────────────────────────────────────────────

  /** Stores a new set-up token (hashed); earlier unused links of the account stop working. */
  addSetupToken(accountId: string, tokenHash: string, at: Date, expiresAt: Date): void {
    this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM staff_setup_tokens WHERE commune_id = ? AND account_id = ? AND used_at IS NULL')
        .run(this.communeId, accountId);
      this.db
        .prepare(
          `INSERT INTO staff_setup_tokens (commune_id, token_hash, account_id, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?)`,
        )
        .run(this.communeId, tokenHash, accountId, at.toISOString(), expiresAt.toISOString());
    })();
  }

  /** The active account a usable (unused, unexpired) token belongs to. */
  setupAccount(tokenHash: string, now: Date): StaffAccount | undefined {
    const row = this.db
      .prepare(
        `SELECT a.id, a.name, a.role, a.hamlet_id, a.created_at, a.disabled_at, a.password_hash
         FROM staff_setup_tokens t JOIN staff_accounts a ON a.commune_id = t.commune_id AND a.id = t.account_id
         WHERE t.commune_id = ? AND t.token_hash = ? AND t.used_at IS NULL AND t.expires_at > ?
           AND a.disabled_at IS NULL`,
      )
      .get(this.communeId, tokenHash, now.toISOString()) as AccountRow | undefined;
    return row ? toAccount(row) : undefined;
  }

  /**
   * Spends the token and sets the password in one transaction; ends the
   * account's sessions (a reset link is also how a stolen password is
   * replaced). The account id, or undefined when the token was not usable.
   */
  useSetupToken(tokenHash: string, passwordHash: string, now: Date): string | undefined {
    return this.db.transaction(() => {
      const account = this.setupAccount(tokenHash, now);
      if (!account) return undefined;
      this.db
        .prepare('UPDATE staff_setup_tokens SET used_at = ? WHERE commune_id = ? AND token_hash = ?')
        .run(now.toISOString(), this.communeId, tokenHash);
      this.db
        .prepare('UPDATE staff_accounts SET password_hash = ? WHERE commune_id = ? AND id = ?')
        .run(passwordHash, this.communeId, account.id);
      this.endSessionsOf(account.id);
      return account.id;
    })();
  }

  /**
   * Replaces a signed-in member's password (they typed the old one) and ends
   * every session of the account, the current one included: whoever else
   * knew the old password is shut out at once. False when the account is gone
   * or disabled.
   */
  changePassword(accountId: string, passwordHash: string): boolean {
    return this.db.transaction(() => {
      const r = this.db
        .prepare('UPDATE staff_accounts SET password_hash = ? WHERE commune_id = ? AND id = ? AND disabled_at IS NULL')
        .run(passwordHash, this.communeId, accountId);
      if (r.changes === 0) return false;
      this.endSessionsOf(accountId);
      return true;
    })();
  }

  // ── sessions ──────────────────────────────────────────────────────────

  addSession(idHash: string, accountId: string, at: Date, expiresAt: Date): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM staff_sessions WHERE expires_at <= ?').run(at.toISOString());
      this.db
        .prepare(
          `INSERT INTO staff_sessions (commune_id, id_hash, account_id, created_at, expires_at, last_seen_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(this.communeId, idHash, accountId, at.toISOString(), expiresAt.toISOString(), at.toISOString());
    })();
  }

  /** The session and its principal, while the account is active (expiry is the caller's to judge). */
  session(idHash: string): StaffSessionRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT a.id, a.name, a.role, a.hamlet_id, s.created_at, s.last_seen_at, s.expires_at
         FROM staff_sessions s JOIN staff_accounts a ON a.commune_id = s.commune_id AND a.id = s.account_id
         WHERE s.commune_id = ? AND s.id_hash = ? AND a.disabled_at IS NULL`,
      )
      .get(this.communeId, idHash) as
      | (Pick<AccountRow, 'id' | 'name' | 'role' | 'hamlet_id'> & {
          created_at: string;
          last_seen_at: string;
          expires_at: string;
        })
      | undefined;
    if (!row) return undefined;
    return {
      principal: principalOf(row),
      createdAt: new Date(row.created_at),
      lastSeenAt: new Date(row.last_seen_at),
      expiresAt: new Date(row.expires_at),
    };
  }

  touchSession(idHash: string, at: Date): void {
    this.db
      .prepare('UPDATE staff_sessions SET last_seen_at = ? WHERE commune_id = ? AND id_hash = ?')
      .run(at.toISOString(), this.communeId, idHash);
  }

  endSession(idHash: string): void {
    this.db.prepare('DELETE FROM staff_sessions WHERE commune_id = ? AND id_hash = ?').run(this.communeId, idHash);
  }

  endSessionsOf(accountId: string): void {
    this.db
      .prepare('DELETE FROM staff_sessions WHERE commune_id = ? AND account_id = ?')
      .run(this.communeId, accountId);
  }

  // ── failed logins ─────────────────────────────────────────────────────

  /** Failure times of a key since `since`, newest first (at most 100). */
  failures(kind: FailureKind, key: string, since: Date): Date[] {
    const rows = this.db
      .prepare(
        `SELECT at FROM staff_login_failures WHERE commune_id = ? AND kind = ? AND key = ? AND at > ?
         ORDER BY at DESC LIMIT 100`,
      )
      .all(this.communeId, kind, key, since.toISOString()) as { at: string }[];
    return rows.map((r) => new Date(r.at));
  }

  /** Records one failure for each key; forgets failures older than `forgetBefore`. */
  addFailure(keys: readonly { kind: FailureKind; key: string }[], at: Date, forgetBefore: Date): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM staff_login_failures WHERE at <= ?').run(forgetBefore.toISOString());
      const insert = this.db.prepare(
        'INSERT INTO staff_login_failures (commune_id, kind, key, at) VALUES (?, ?, ?, ?)',
      );
      for (const k of keys) insert.run(this.communeId, k.kind, k.key, at.toISOString());
    })();
  }

  clearFailures(kind: FailureKind, key: string): void {
    this.db
      .prepare('DELETE FROM staff_login_failures WHERE commune_id = ? AND kind = ? AND key = ?')
      .run(this.communeId, kind, key);
  }
}
