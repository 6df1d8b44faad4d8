/**
 * @module staff/types
 *
 * The seam every part of the staff console plugs into. The console is one Hono
 * sub-application mounted at `/staff`: its front door (staff/app.ts) checks the
 * session cookie and, on every state-changing request, the CSRF token, then
 * hands the request to the modules (reports, settings, learning loop…). A
 * module therefore never sees an unauthenticated request and never re-checks
 * the cookie; it only decides what the principal's role may see (`scopeOf`).
 */
import type { Hono } from 'hono';
import type { MaybePromise } from '../core/ports.js';

export type StaffRole = 'admin' | 'hamlet' | 'province';

/** A commune's own staff: its admins, and hamlet teams who always have the hamlet they may see. */
export type CommunePrincipal =
  | { readonly id: string; readonly name: string; readonly role: 'admin' }
  | { readonly id: string; readonly name: string; readonly role: 'hamlet'; readonly hamletId: string };

/**
 * A province officer: sees every commune's progress side by side (the
 * "Toàn tỉnh" page) and no commune's own console (threads, settings,
 * residents' questions). Like an admin, no hamlet.
 */
export interface ProvincePrincipal {
  readonly id: string;
  readonly name: string;
  readonly role: 'province';
}

/** Who is signed in. */
export type StaffPrincipal = CommunePrincipal | ProvincePrincipal;

/** Hono context variables set by the console's front door before any module runs. */
export interface StaffEnv {
  Variables: {
    staff: StaffPrincipal;
    /** The token every form and every non-GET fetch of this session must send back (field or header `x-csrf-token`). */
    csrfToken: string;
    /** Open "Hỏi cán bộ" threads the principal may see, for the navigation bar (set on GET by the handoff module, when mounted first). */
    handoffOpen?: number;
  };
}

/** Registers one part of the console's routes (paths relative to `/staff`) behind the front door. */
export type StaffModule = (router: Hono<StaffEnv>) => void;

/** One line of the audit log: who did what, to what. Never a password, token or personal number. */
export interface AuditEntry {
  readonly actorId: string;
  /** A short verb phrase in English, e.g. `population.import`, `report.export`, `faq.approve`. */
  readonly action: string;
  /** What was acted on (a hamlet id, a file format, an entry id). */
  readonly target?: string;
  /** Small JSON-serialisable details (counts, old and new values of settings). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Every export and every change made in the console is recorded through this port. */
export interface AuditLog {
  /** Resolves once the line is stored: a caller awaits it before saying the change is done. */
  record(entry: AuditEntry): MaybePromise<void>;
}

/** What a commune's own staff may see: the whole commune, or one hamlet. */
export type CommuneScope = { readonly kind: 'commune' } | { readonly kind: 'hamlet'; readonly hamletId: string };

/**
 * What a principal may see: the whole commune, one hamlet, or every
 * commune's progress (and nothing else). Modules filter by it on the server;
 * a hamlet team asking for another hamlet gets 403.
 */
export type StaffScope = CommuneScope | { readonly kind: 'province' };

export function scopeOf(principal: StaffPrincipal): StaffScope {
  if (principal.role === 'province') return { kind: 'province' };
  return communeScopeOf(principal);
}

/**
 * A province account reached a commune's own page. The console's province
 * gate (staff/provinceGate.ts) answers 403 before any commune module runs, so
 * this is a second lock: a module that forgot the gate fails closed (500),
 * never showing one commune's threads or settings to the province.
 */
export class ProvinceScopeError extends Error {
  constructor() {
    super("a province account reached a commune's own page");
    this.name = 'ProvinceScopeError';
  }
}

/** The scope of a commune module's principal; throws ProvinceScopeError for a province account. */
export function communeScopeOf(principal: StaffPrincipal): CommuneScope {
  if (principal.role === 'province') throw new ProvinceScopeError();
  return principal.role === 'admin' ? { kind: 'commune' } : { kind: 'hamlet', hamletId: principal.hamletId };
}

/** One stored line of the audit log, as admins read it. */
export interface AuditLine {
  readonly id: number;
  /** ISO 8601, UTC. */
  readonly at: string;
  readonly actorId: string;
  readonly action: string;
  readonly target?: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Reads the audit log back, newest first; `before` (a line id) pages further back. */
export interface AuditReader {
  recent(limit: number, before?: number): MaybePromise<readonly AuditLine[]>;
}

/** The channels a staff member can link: the ones with a verified identity of their own. */
export type StaffChatChannel = 'telegram' | 'zalo';

export const STAFF_CHAT_CHANNELS: readonly StaffChatChannel[] = ['telegram', 'zalo'];

/** Spent and expired codes are kept a day (so a late try hears "expired", not "wrong"), then dropped. */
export const KEEP_SPENT_MS = 24 * 3_600_000;

export interface StaffChatLink {
  readonly channel: StaffChatChannel;
  /** ISO 8601, UTC. */
  readonly linkedAt: string;
}

export type StaffCodeRedemption =
  { readonly ok: true; readonly staffId: string } | { readonly ok: false; readonly reason: 'unknown' | 'expired' };

/**
 * Staff accounts joined to their own Telegram or Zalo chat, and the one-time
 * codes that make the link (staff/chatLinks.ts hashes the codes first). Every
 * read that decides something skips a disabled account. SQLite answers at
 * once (storage/sqlite/staffChatLinkRepo.ts), PostgreSQL with promises
 * (storage/pg/pgStaffChatLinks.ts): callers await.
 */
export interface StaffChatLinkStore {
  /**
   * Stores a new code for an active account; its unused earlier code stops
   * working. False when the account is missing or disabled, or the hash is
   * taken (the caller draws another code).
   */
  addCode(staffId: string, codeHash: string, at: Date, expiresAt: Date): MaybePromise<boolean>;
  /** When the account's unused code stops working, if it has one that still works. */
  liveCodeExpiry(staffId: string, now: Date): MaybePromise<Date | undefined>;
  /** Spends the code and links the chat identity to its account, at once (it leaves any other account). */
  redeem(codeHash: string, channel: StaffChatChannel, userId: string, now: Date): MaybePromise<StaffCodeRedemption>;
  /** Whether this chat identity belongs to an active staff account. */
  isLinkedStaff(channel: string, userId: string): MaybePromise<boolean>;
  /** The channels an account is linked on (never the chat ids). */
  linksOf(staffId: string): MaybePromise<StaffChatLink[]>;
  /** Linked channels of every account, for `cli staff list`. */
  channelsByStaff(): MaybePromise<Map<string, StaffChatChannel[]>>;
  /** Removes the account's link on that channel. False when there was none. */
  unlink(staffId: string, channel: StaffChatChannel): MaybePromise<boolean>;
}
