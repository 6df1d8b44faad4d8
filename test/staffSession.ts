/**
 * Test helpers for the staff console: an app with the real front door over
 * a database, and a signed-in session (cookie + CSRF token) obtained the way
 * a browser gets one, through GET and POST /staff/login. Module tests use
 * them to drive their routes as an admin or a hamlet team:
 *
 *   const t = staffConsoleOn(await repos.fresh(), { modules: [myModule] }); // SQLite or PostgreSQL (testRepos.ts)
 *   const admin = await signIn(t, { role: 'admin' });
 *   await t.app.request('/staff/api/thing', { headers: admin.headers() });
 *   await t.app.request('/staff/api/thing', { method: 'POST', headers: admin.headers({ json: true }), body });
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { Clock } from '../src/core/ports.js';
import { addStaffAccount } from '../src/staff/accounts.js';
import { createStaffApp, type StaffAppDeps } from '../src/staff/app.js';
import { hashPassword } from '../src/staff/password.js';
import { hashToken } from '../src/staff/signing.js';
import type { AuditLog, AuditReader, StaffModule, StaffPrincipal, StaffRole } from '../src/staff/types.js';
import { ensureCommune, openDatabase, type Db } from '../src/storage/sqlite/db.js';
import { SqliteAuditLog } from '../src/storage/sqlite/staffAudit.js';
import { SqliteStaffStore } from '../src/storage/sqlite/staffStore.js';
import type { StaffStore } from '../src/staff/storePort.js';
import { fixedClock, memoryLogger } from './helpers.js';
import type { TestRepos } from './testRepos.js';

export const TEST_PASSWORD = 'mot cau dai de nho 2026';
/** Cheap scrypt for test accounts (the hash carries its parameters, so login checks it as stored). */
const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

/** The staff app over a commune's stores, and what a test reads back. */
export interface StaffConsole {
  /** The staff app mounted at /staff, as http/app.ts mounts it. */
  readonly app: Hono;
  readonly store: StaffStore;
  readonly audit: AuditLog & AuditReader;
  readonly clock: Clock & { set(iso: string): void };
  readonly logLines: string[];
}

/** The console over an in-memory SQLite database (or one of the test's own). */
export interface StaffTestApp extends StaffConsole {
  readonly db: Db;
  readonly store: SqliteStaffStore;
  readonly audit: SqliteAuditLog;
}

/** What a console of these helpers may be built with besides its stores. */
export type StaffConsoleOptions = {
  readonly modules?: readonly StaffModule[];
  readonly clock?: Clock & { set(iso: string): void };
} & Partial<Pick<StaffAppDeps, 'trustProxy' | 'secure' | 'publicBaseUrl' | 'throttle'>>;

/** What the helpers below need of an app: Hono's in-process `request`, or a running server's (test/testService.ts). */
export interface RequestApp {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

export function staffTestApp(
  opts: StaffConsoleOptions & {
    /** A database of your own (e.g. services.db); an in-memory one when absent. */
    readonly db?: Db;
    readonly communeId?: string;
  } = {},
): StaffTestApp {
  const communeId = opts.communeId ?? 'hung-chau';
  const db = opts.db ?? openDatabase(':memory:');
  ensureCommune(db, communeId);
  const clock = opts.clock ?? fixedClock();
  const store = new SqliteStaffStore(db, communeId);
  const audit = new SqliteAuditLog(db, communeId, clock);
  return { ...staffConsole({ ...opts, clock, store, audit }), db, store, audit };
}

/**
 * The console over the stores of one commune of the run's database
 * (test/testRepos.ts: SQLite or PostgreSQL), its audit lines stamped by the
 * console's clock. Several consoles over the same `repos` share the accounts.
 */
export function staffConsoleOn(
  repos: Pick<TestRepos, 'staff' | 'audit'>,
  opts: StaffConsoleOptions = {},
): StaffConsole {
  const clock = opts.clock ?? fixedClock();
  return staffConsole({ ...opts, clock, store: repos.staff, audit: repos.audit(clock) });
}

/** The real staff app (staff/app.ts) over the given stores, with a fresh signing secret. */
export function staffConsole(
  opts: StaffConsoleOptions & {
    readonly store: StaffStore;
    readonly audit: AuditLog & AuditReader;
    readonly clock: Clock & { set(iso: string): void };
  },
): StaffConsole {
  const { store, audit, clock } = opts;
  const { logger, lines } = memoryLogger();
  const staff = createStaffApp({
    store,
    audit,
    clock,
    logger,
    secret: randomBytes(32),
    modules: opts.modules ?? [],
    ...(opts.trustProxy !== undefined && { trustProxy: opts.trustProxy }),
    ...(opts.secure !== undefined && { secure: opts.secure }),
    ...(opts.publicBaseUrl !== undefined && { publicBaseUrl: opts.publicBaseUrl }),
    ...(opts.throttle !== undefined && { throttle: opts.throttle }),
  });
  const app = new Hono();
  app.route('/staff', staff);
  return { app, store, audit, clock, logLines: lines };
}

/** Creates an account with a password already set (no set-up link needed). */
export async function createStaffAccount(
  t: Pick<StaffTestApp, 'clock'> & { readonly store: StaffStore },
  opts: { role: StaffRole; hamletId?: string; name?: string; id?: string; password?: string },
): Promise<string> {
  const hamletId = opts.role === 'hamlet' ? (opts.hamletId ?? 'xom-1') : undefined;
  const added = await addStaffAccount(
    t.store,
    {
      name: opts.name ?? (opts.role === 'admin' ? 'Quản Trị Viên' : 'Tổ Xóm Một'),
      role: opts.role,
      ...(hamletId !== undefined && { hamletId }),
      ...(opts.id !== undefined && { id: opts.id }),
    },
    { clock: t.clock },
  );
  if (!added) throw new Error(`staff account ${opts.id ?? ''} could not be created`);
  const hash = await hashPassword(opts.password ?? TEST_PASSWORD, FAST_SCRYPT);
  if ((await t.store.useSetupToken(hashToken(added.token), hash, t.clock.now())) === undefined) {
    throw new Error('the set-up token of the test account was not usable');
  }
  return added.account.id;
}

/** `name=value` pairs of a response's Set-Cookie headers. */
export function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** The value of the hidden `_csrf` field of a form page. */
export function formTokenIn(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no _csrf field in the page');
  return m[1];
}

/** The login form as a browser gets it: its nonce cookie and token. */
export async function openLoginForm(
  app: RequestApp,
  headers: Record<string, string> = {},
): Promise<{ cookie: string; token: string }> {
  const res = await app.request('/staff/login', { headers });
  const cookie = cookiesOf(res).hocvuso_staff_form;
  return {
    cookie: cookie ? `hocvuso_staff_form=${cookie}` : (headers.cookie ?? ''),
    token: formTokenIn(await res.text()),
  };
}

/** Posts the login form (fetching it first), as a browser would; a `cookie` header is sent along with the form's. */
export async function postLogin(
  app: RequestApp,
  login: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const { cookie, ...rest } = headers;
  const form = await openLoginForm(app, rest);
  return app.request('/staff/login', {
    method: 'POST',
    headers: {
      ...rest,
      cookie: [cookie, form.cookie].filter(Boolean).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: form.token, login, password }).toString(),
  });
}

export interface StaffSession {
  readonly accountId: string;
  readonly principal: StaffPrincipal;
  /** `hocvuso_staff=…`, for the Cookie header. */
  readonly cookie: string;
  readonly csrfToken: string;
  /** Headers for a request of this session; with `json`, a JSON content type; CSRF token always included. */
  headers(opts?: { json?: boolean }): Record<string, string>;
}

/** Creates an account (unless `accountId` is given) and signs it in through the login form. */
export async function signIn(
  t: Pick<StaffTestApp, 'clock'> & { readonly app: RequestApp; readonly store: StaffStore },
  opts: { role?: StaffRole; hamletId?: string; name?: string; id?: string; accountId?: string; password?: string } = {},
): Promise<StaffSession> {
  const password = opts.password ?? TEST_PASSWORD;
  const accountId = opts.accountId ?? (await createStaffAccount(t, { role: opts.role ?? 'admin', ...opts, password }));
  const res = await postLogin(t.app, accountId, password);
  const value = cookiesOf(res).hocvuso_staff;
  if (res.status !== 303 || !value) throw new Error(`login of ${accountId} failed with ${res.status}`);
  const cookie = `hocvuso_staff=${value}`;
  const me = await t.app.request('/staff/api/me', { headers: { cookie } });
  const body = (await me.json()) as StaffPrincipal & { csrfToken: string; scope: unknown };
  const { csrfToken, scope: _scope, ...rest } = body;
  const principal: StaffPrincipal = rest;
  return {
    accountId,
    principal,
    cookie,
    csrfToken,
    headers: (o = {}) => ({
      cookie,
      'x-csrf-token': csrfToken,
      ...(o.json === true && { 'content-type': 'application/json' }),
    }),
  };
}
