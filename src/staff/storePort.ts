/**
 * @module staff/storePort
 *
 * The port the console signs people in through: staff accounts, their
 * one-time set-up tokens, server-side sessions and the failed-login record
 * the throttle reads. SQLite (storage/sqlite/staffStore) answers at once;
 * PostgreSQL (storage/pg/pgStaffStore) answers with a promise, so every
 * caller awaits. Tokens and session ids arrive already hashed
 * (staff/signing.ts), a password only as its scrypt hash.
 *
 * A province account is a row of the commune the service runs for, like any
 * other account: what makes it span communes is what it may read (the
 * "Toàn tỉnh" page, staff/provinceGate.ts), never where its row lives.
 */
import type { MaybePromise } from '../core/ports.js';
import type { StaffPrincipal, StaffRole } from './types.js';

export interface StaffAccount {
  readonly id: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly hamletId?: string;
  readonly createdAt: string;
  readonly disabledAt?: string;
  readonly hasPassword: boolean;
}

export interface NewStaffAccount {
  readonly id: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly hamletId?: string;
}

/** A signed-in session as the front door needs it. */
export interface StaffSessionRecord {
  readonly principal: StaffPrincipal;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
}

/** What the login check reads of an account: never shown, never logged. */
export interface StaffCredentials {
  readonly principal: StaffPrincipal;
  readonly passwordHash?: string;
  readonly disabled: boolean;
}

export type FailureKind = 'account' | 'network';

export interface StaffStore {
  /** False when the id is taken. */
  addAccount(account: NewStaffAccount, at: Date): MaybePromise<boolean>;
  account(id: string): MaybePromise<StaffAccount | undefined>;
  /** The account and its password hash, for the login check only. */
  credentials(id: string): MaybePromise<StaffCredentials | undefined>;
  /** Every account of the commune, oldest first. */
  accounts(): MaybePromise<StaffAccount[]>;
  /** Disables the account and ends its sessions and set-up links. False when no such active account. */
  disable(id: string, at: Date): MaybePromise<boolean>;

  /** Stores a new set-up token (hashed); earlier unused links of the account stop working. */
  addSetupToken(accountId: string, tokenHash: string, at: Date, expiresAt: Date): MaybePromise<void>;
  /** The active account a usable (unused, unexpired) token belongs to. */
  setupAccount(tokenHash: string, now: Date): MaybePromise<StaffAccount | undefined>;
  /**
   * Spends the token and sets the password in one transaction and ends the
   * account's sessions. The account id, or undefined when the token was not
   * usable (used, expired, unknown, or its account disabled): of two
   * requests spending one token at once, exactly one gets the id.
   */
  useSetupToken(tokenHash: string, passwordHash: string, now: Date): MaybePromise<string | undefined>;
  /** Replaces the password and ends every session of the account. False when the account is gone or disabled. */
  changePassword(accountId: string, passwordHash: string): MaybePromise<boolean>;

  /** Starts a session (and forgets the commune's expired ones). */
  addSession(idHash: string, accountId: string, at: Date, expiresAt: Date): MaybePromise<void>;
  /** The session and its principal, while the account is active (expiry is the caller's to judge). */
  session(idHash: string): MaybePromise<StaffSessionRecord | undefined>;
  touchSession(idHash: string, at: Date): MaybePromise<void>;
  endSession(idHash: string): MaybePromise<void>;
  endSessionsOf(accountId: string): MaybePromise<void>;

  /** Failure times of a key since `since`, newest first (at most 100). */
  failures(kind: FailureKind, key: string, since: Date): MaybePromise<Date[]>;
  /** Records one failure for each key; forgets failures older than `forgetBefore`. */
  addFailure(keys: readonly { kind: FailureKind; key: string }[], at: Date, forgetBefore: Date): MaybePromise<void>;
  clearFailures(kind: FailureKind, key: string): MaybePromise<void>;
}
