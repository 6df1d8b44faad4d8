/**
 * @module staff/compose
 *
 * The staff console as the server runs it: its store and audit log over the
 * service's database, and its key (derived from SESSION_SECRET when set,
 * else made once and kept in `service_secrets`, so a restart keeps everyone
 * signed in). server.ts passes the console's modules.
 */
import { createHmac } from 'node:crypto';
import type { Hono } from 'hono';
import type { Config } from '../config.js';
import type { Clock } from '../core/ports.js';
import type { Logger } from '../logger.js';
import type { Db } from '../storage/sqlite/db.js';
import { serviceSecret } from '../storage/sqlite/serviceSecrets.js';
import { SqliteAuditLog } from '../storage/sqlite/staffAudit.js';
import { SqliteStaffChatLinks } from '../storage/sqlite/staffChatLinkRepo.js';
import { SqliteStaffStore } from '../storage/sqlite/staffStore.js';
import { createStaffApp } from './app.js';
import type { StaffStore } from './storePort.js';
import type { AuditLog, AuditReader, StaffChatLinkStore, StaffModule } from './types.js';

/** Name of the generated key in `service_secrets`. */
export const STAFF_SECRET_NAME = 'staff-session-key';

/** The console's key: never the web chat's own key, so one cannot stand in for the other. */
export function staffSecret(db: Db, config: Pick<Config, 'SESSION_SECRET'>): Buffer {
  return staffKeyFrom(config.SESSION_SECRET ?? serviceSecret(db, STAFF_SECRET_NAME));
}

/**
 * The console's key from its base (SESSION_SECRET, or the `staff-session-key`
 * service secret): on PostgreSQL the base comes from pgServiceSecret.
 */
export function staffKeyFrom(base: string): Buffer {
  return createHmac('sha256', base).update('hocvuso staff console').digest();
}

/** Where links sent to staff point: PUBLIC_BASE_URL, else this machine's port. */
export function publicBaseUrl(config: Pick<Config, 'PUBLIC_BASE_URL' | 'PORT'>): string {
  return config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`;
}

/** The store and the audit log are ports: on PostgreSQL the lead passes PgStaffStore and PgAuditLog. */
export interface StaffParts {
  readonly store: StaffStore;
  readonly audit: AuditLog & AuditReader;
  /** Staff members' linked Telegram/Zalo chats and their one-time codes (the "Tài khoản" page). */
  readonly chats: StaffChatLinkStore;
}

export function staffParts(db: Db, communeId: string, clock: Clock): StaffParts {
  return {
    store: new SqliteStaffStore(db, communeId),
    audit: new SqliteAuditLog(db, communeId, clock),
    chats: new SqliteStaffChatLinks(db, communeId),
  };
}

export function staffAppFor(opts: {
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly parts: StaffParts;
  readonly modules: readonly StaffModule[];
  /** The console's key: staffSecret (SQLite), or staffKeyFrom of pgServiceSecret (PostgreSQL). */
  readonly secret: Buffer;
}): Hono {
  const { config } = opts;
  return createStaffApp({
    store: opts.parts.store,
    audit: opts.parts.audit,
    secret: opts.secret,
    clock: opts.clock,
    logger: opts.logger,
    modules: opts.modules,
    trustProxy: config.TRUST_PROXY,
    ...(config.PUBLIC_BASE_URL !== undefined && {
      publicBaseUrl: config.PUBLIC_BASE_URL,
      secure: config.PUBLIC_BASE_URL.startsWith('https:'),
    }),
  });
}
