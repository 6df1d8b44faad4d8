/**
 * The StaffStore contract (staff/storePort.ts), run on SQLite
 * (test/integration/staffStore.test.ts) and PostgreSQL (test/pg/staffStore.test.ts):
 * accounts and their roles (a province account included), a set-up token
 * spent once (also when several requests race for it), sessions that end on
 * logout, on a new password and when the account is disabled, failed logins
 * counted per key, and one commune never reading another's accounts or
 * sessions. Named *.contract.ts so no vitest config collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MaybePromise } from '../../src/core/ports.js';
import type { StaffStore } from '../../src/staff/storePort.js';
import type { TableAccess } from './tables.js';

export interface StaffStoreSubject {
  /** The store of commune `communeId`. */
  readonly store: StaffStore;
  readonly communeId: string;
  /** A second commune's store on the same database. */
  readonly other: StaffStore;
  readonly tables: TableAccess;
  readonly close: () => MaybePromise<void>;
}

const T0 = new Date('2026-12-01T08:00:00.000Z');
const later = (ms: number): Date => new Date(T0.getTime() + ms);
const HOUR = 3_600_000;
const HASH = 'scrypt$16384$8$1$c2FsdA$aGFzaA';

export function describeStaffStoreContract(name: string, make: () => MaybePromise<StaffStoreSubject>): void {
  describe(`StaffStore contract (${name})`, () => {
    let subject: StaffStoreSubject | undefined;
    const open = async (): Promise<StaffStoreSubject> => (subject = await make());
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });
    /** The rows of `table` that belong to the subject's commune (SQLite keeps both communes in one file). */
    const mine = async (s: StaffStoreSubject, table: string) =>
      (await s.tables.rows(table)).filter((r) => r['commune_id'] === s.communeId);

    it('keeps accounts of every role, refuses a taken id, and lists them oldest first', async () => {
      const s = await open();
      expect(await s.store.addAccount({ id: 'lan', name: 'Nguyễn Thị Lan', role: 'admin' }, T0)).toBe(true);
      expect(
        await s.store.addAccount({ id: 'to-1', name: 'Tổ xóm 1', role: 'hamlet', hamletId: 'xom-1' }, later(1)),
      ).toBe(true);
      expect(await s.store.addAccount({ id: 'tinh', name: 'Cán bộ tỉnh', role: 'province' }, later(2))).toBe(true);
      expect(await s.store.addAccount({ id: 'lan', name: 'Người khác', role: 'admin' }, later(3))).toBe(false);

      expect(await s.store.accounts()).toEqual([
        { id: 'lan', name: 'Nguyễn Thị Lan', role: 'admin', createdAt: T0.toISOString(), hasPassword: false },
        {
          id: 'to-1',
          name: 'Tổ xóm 1',
          role: 'hamlet',
          hamletId: 'xom-1',
          createdAt: later(1).toISOString(),
          hasPassword: false,
        },
        { id: 'tinh', name: 'Cán bộ tỉnh', role: 'province', createdAt: later(2).toISOString(), hasPassword: false },
      ]);
      expect(await s.store.account('nobody')).toBeUndefined();
      expect(await s.store.credentials('tinh')).toEqual({
        principal: { id: 'tinh', name: 'Cán bộ tỉnh', role: 'province' },
        disabled: false,
      });
      expect(await s.store.credentials('to-1')).toEqual({
        principal: { id: 'to-1', name: 'Tổ xóm 1', role: 'hamlet', hamletId: 'xom-1' },
        disabled: false,
      });
      // The province account is a row of this commune, like any other.
      expect((await mine(s, 'staff_accounts')).map((r) => [r['id'], r['role'], r['hamlet_id']])).toEqual(
        expect.arrayContaining([
          ['lan', 'admin', null],
          ['to-1', 'hamlet', 'xom-1'],
          ['tinh', 'province', null],
        ]),
      );
    });

    it('spends a set-up token once: it sets the password, ends the sessions and stores only hashes', async () => {
      const s = await open();
      await s.store.addAccount({ id: 'lan', name: 'Nguyễn Thị Lan', role: 'admin' }, T0);
      await s.store.addSetupToken('lan', 'token-hash-1', T0, later(72 * HOUR));
      await s.store.addSession('session-before', 'lan', T0, later(7 * 24 * HOUR));

      expect((await s.store.setupAccount('token-hash-1', later(HOUR)))?.id).toBe('lan');
      expect(await s.store.setupAccount('token-hash-1', later(72 * HOUR))).toBeUndefined();
      expect(await s.store.useSetupToken('token-hash-1', HASH, later(HOUR))).toBe('lan');
      expect(await s.store.useSetupToken('token-hash-1', `${HASH}x`, later(HOUR))).toBeUndefined();
      expect(await s.store.setupAccount('token-hash-1', later(HOUR))).toBeUndefined();

      expect((await s.store.credentials('lan'))?.passwordHash).toBe(HASH);
      expect((await s.store.account('lan'))?.hasPassword).toBe(true);
      expect(await s.store.session('session-before')).toBeUndefined();
      const [token] = await mine(s, 'staff_setup_tokens');
      expect(token).toMatchObject({
        token_hash: 'token-hash-1',
        account_id: 'lan',
        used_at: later(HOUR).toISOString(),
      });
    });

    it('lets one of several racing requests spend a token, and only one', async () => {
      const s = await open();
      await s.store.addAccount({ id: 'lan', name: 'Nguyễn Thị Lan', role: 'admin' }, T0);
      await s.store.addSetupToken('lan', 'token-hash-race', T0, later(72 * HOUR));
      const outcomes = await Promise.all(
        [1, 2, 3, 4].map(async (n) => s.store.useSetupToken('token-hash-race', `${HASH}${n}`, later(HOUR))),
      );
      expect(outcomes.filter((o) => o === 'lan')).toHaveLength(1);
      expect(outcomes.filter((o) => o === undefined)).toHaveLength(3);
      const winner = outcomes.findIndex((o) => o === 'lan') + 1;
      expect((await s.store.credentials('lan'))?.passwordHash).toBe(`${HASH}${winner}`);
    });

    it('a new link replaces the unused one; an expired or unknown one, or a disabled account, is refused', async () => {
      const s = await open();
      await s.store.addAccount({ id: 'lan', name: 'Nguyễn Thị Lan', role: 'admin' }, T0);
      await s.store.addSetupToken('lan', 'first', T0, later(72 * HOUR));
      await s.store.addSetupToken('lan', 'second', later(1), later(72 * HOUR));
      expect(await s.store.setupAccount('first', later(HOUR))).toBeUndefined();
      expect(await s.store.useSetupToken('first', HASH, later(HOUR))).toBeUndefined();
      expect(await s.store.useSetupToken('second', HASH, later(73 * HOUR))).toBeUndefined();
      expect(await s.store.useSetupToken('made-up', HASH, later(HOUR))).toBeUndefined();

      expect(await s.store.disable('lan', later(2 * HOUR))).toBe(true);
      expect(await s.store.disable('lan', later(3 * HOUR))).toBe(false);
      expect(await s.store.useSetupToken('second', HASH, later(2 * HOUR))).toBeUndefined();
      expect(await mine(s, 'staff_setup_tokens')).toEqual([]);
      expect(await s.store.account('lan')).toMatchObject({ disabledAt: later(2 * HOUR).toISOString() });
      expect(await s.store.credentials('lan')).toMatchObject({ disabled: true });
      // A token added while the account is disabled still cannot be spent.
      await s.store.addSetupToken('lan', 'third', later(3 * HOUR), later(72 * HOUR));
      expect(await s.store.setupAccount('third', later(4 * HOUR))).toBeUndefined();
      expect(await s.store.useSetupToken('third', HASH, later(4 * HOUR))).toBeUndefined();
    });

    it('keeps sessions with their times until logout, a password change or disabling ends them', async () => {
      const s = await open();
      await s.store.addAccount({ id: 'lan', name: 'Nguyễn Thị Lan', role: 'admin' }, T0);
      await s.store.addAccount({ id: 'to-1', name: 'Tổ xóm 1', role: 'hamlet', hamletId: 'xom-1' }, T0);
      await s.store.addSession('s-lan-1', 'lan', T0, later(7 * 24 * HOUR));
      await s.store.addSession('s-lan-2', 'lan', T0, later(7 * 24 * HOUR));
      await s.store.addSession('s-to-1', 'to-1', T0, later(7 * 24 * HOUR));

      expect(await s.store.session('s-lan-1')).toEqual({
        principal: { id: 'lan', name: 'Nguyễn Thị Lan', role: 'admin' },
        createdAt: T0,
        lastSeenAt: T0,
        expiresAt: later(7 * 24 * HOUR),
      });
      await s.store.touchSession('s-lan-1', later(HOUR));
      expect((await s.store.session('s-lan-1'))?.lastSeenAt).toEqual(later(HOUR));

      await s.store.endSession('s-lan-1');
      expect(await s.store.session('s-lan-1')).toBeUndefined();
      expect(await s.store.session('s-lan-2')).toBeDefined();

      expect(await s.store.changePassword('lan', HASH)).toBe(true);
      expect(await s.store.session('s-lan-2')).toBeUndefined();
      expect((await s.store.credentials('lan'))?.passwordHash).toBe(HASH);
      expect((await s.store.session('s-to-1'))?.principal).toEqual({
        id: 'to-1',
        name: 'Tổ xóm 1',
        role: 'hamlet',
        hamletId: 'xom-1',
      });

      expect(await s.store.disable('to-1', later(HOUR))).toBe(true);
      expect(await s.store.session('s-to-1')).toBeUndefined();
      expect(await s.store.changePassword('to-1', HASH)).toBe(false);
      expect(await s.store.changePassword('nobody', HASH)).toBe(false);
      expect(await mine(s, 'staff_sessions')).toEqual([]);
    });

    it('forgets expired sessions when a new one starts, and ends every session of an account at once', async () => {
      const s = await open();
      await s.store.addAccount({ id: 'lan', name: 'Nguyễn Thị Lan', role: 'admin' }, T0);
      await s.store.addSession('short', 'lan', T0, later(HOUR));
      await s.store.addSession('long-1', 'lan', T0, later(10 * HOUR));
      await s.store.addSession('long-2', 'lan', later(2 * HOUR), later(12 * HOUR));
      expect((await mine(s, 'staff_sessions')).map((r) => r['id_hash']).sort()).toEqual(['long-1', 'long-2']);
      await s.store.endSessionsOf('lan');
      expect(await mine(s, 'staff_sessions')).toEqual([]);
    });

    it('counts failed logins per key, newest first, forgets old ones and clears a key', async () => {
      const s = await open();
      const account = { kind: 'account', key: 'lan' } as const;
      const network = { kind: 'network', key: '203.0.113.0/24' } as const;
      await s.store.addFailure([account, network], T0, later(-24 * HOUR));
      await s.store.addFailure([account, network], later(60_000), later(-24 * HOUR));
      await s.store.addFailure([network], later(120_000), later(-24 * HOUR));

      expect(await s.store.failures('account', 'lan', later(-HOUR))).toEqual([later(60_000), T0]);
      expect(await s.store.failures('network', '203.0.113.0/24', later(-HOUR))).toEqual([
        later(120_000),
        later(60_000),
        T0,
      ]);
      expect(await s.store.failures('account', 'lan', T0)).toEqual([later(60_000)]);
      expect(await s.store.failures('account', '203.0.113.0/24', later(-HOUR))).toEqual([]);

      await s.store.clearFailures('account', 'lan');
      expect(await s.store.failures('account', 'lan', later(-HOUR))).toEqual([]);
      expect(await s.store.failures('network', '203.0.113.0/24', later(-HOUR))).toHaveLength(3);

      // A day later, a new failure forgets what came before its memory.
      await s.store.addFailure([account], later(25 * HOUR), later(HOUR));
      expect(await s.store.failures('network', '203.0.113.0/24', later(-HOUR))).toEqual([]);
      expect(await s.store.failures('account', 'lan', later(-HOUR))).toEqual([later(25 * HOUR)]);
    });

    it("never reads or changes another commune's accounts, tokens, sessions or failures", async () => {
      const s = await open();
      await s.store.addAccount({ id: 'lan', name: 'Nguyễn Thị Lan', role: 'admin' }, T0);
      await s.store.addSetupToken('lan', 'token-a', T0, later(72 * HOUR));
      await s.store.addSession('session-a', 'lan', T0, later(7 * 24 * HOUR));
      await s.store.addFailure([{ kind: 'account', key: 'lan' }], T0, later(-HOUR));

      expect(await s.other.accounts()).toEqual([]);
      expect(await s.other.account('lan')).toBeUndefined();
      expect(await s.other.credentials('lan')).toBeUndefined();
      expect(await s.other.setupAccount('token-a', later(HOUR))).toBeUndefined();
      expect(await s.other.useSetupToken('token-a', HASH, later(HOUR))).toBeUndefined();
      expect(await s.other.session('session-a')).toBeUndefined();
      expect(await s.other.failures('account', 'lan', later(-HOUR))).toEqual([]);
      expect(await s.other.disable('lan', later(HOUR))).toBe(false);
      expect(await s.other.changePassword('lan', HASH)).toBe(false);
      await s.other.endSession('session-a');
      await s.other.endSessionsOf('lan');
      await s.other.clearFailures('account', 'lan');

      // The same login name may exist in both communes; each sees its own.
      expect(await s.other.addAccount({ id: 'lan', name: 'Lan xã bên', role: 'hamlet', hamletId: 'xom-9' }, T0)).toBe(
        true,
      );
      expect((await s.other.account('lan'))?.name).toBe('Lan xã bên');
      expect((await s.store.account('lan'))?.name).toBe('Nguyễn Thị Lan');

      expect((await s.store.credentials('lan'))?.passwordHash).toBeUndefined();
      expect(await s.store.session('session-a')).toBeDefined();
      expect(await s.store.failures('account', 'lan', later(-HOUR))).toEqual([T0]);
      expect((await s.store.setupAccount('token-a', later(HOUR)))?.id).toBe('lan');
    });
  });
}
