/**
 * @module storage/pg/pgStaffStore
 *
 * Staff accounts and what signs them in, on PostgreSQL: the twin of
 * storage/sqlite/staffStore with the same rules. Tokens and session ids
 * arrive hashed, a password only as its scrypt hash; a session counts only
 * while its account is not disabled; a set-up token is spent once.
 *
 * Every method is one `withCommune` transaction, so row-level security
 * (migration 019c) fences each query to the commune on top of the
 * `commune_id` it names. A province account is a row of the commune the
 * service runs for, like an admin (migration 021 only widened the role
 * CHECK): it reads every commune's figures through the province page, never
 * another commune's accounts or sessions.
 *
 * Spending a set-up token is one conditional UPDATE (`used_at IS NULL`,
 * unexpired, account active): under READ COMMITTED a second transaction on
 * the same row waits for the first, then re-reads the row, finds it used and
 * updates nothing, so of two requests racing with one link exactly one sets
 * the password.
 */
import type { Transaction } from 'kysely';
import type {
  FailureKind,
  NewStaffAccount,
  StaffAccount,
  StaffCredentials,
  StaffSessionRecord,
  StaffStore,
} from '../../staff/storePort.js';
import { principalOf, staffAccountOf } from '../staffRowForms.js';
import type { PgDb } from './db.js';
import type { Database } from './schema.js';
import { withCommune } from './tenant.js';

type Trx = Transaction<Database>;

const ACCOUNT_COLUMNS = ['id', 'name', 'role', 'hamlet_id', 'created_at', 'disabled_at', 'password_hash'] as const;

/** Kysely's row counts are bigints. */
const count = (n: bigint | undefined): number => Number(n ?? 0n);

export class PgStaffStore implements StaffStore {
  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
  ) {}

  private run<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    return withCommune(this.db, this.communeId, fn);
  }

  // ── accounts ──────────────────────────────────────────────────────────

  async addAccount(account: NewStaffAccount, at: Date): Promise<boolean> {
    const r = await this.run((trx) =>
      trx
        .insertInto('staff_accounts')
        .values({
          commune_id: this.communeId,
          id: account.id,
          name: account.name,
          role: account.role,
          hamlet_id: account.hamletId ?? null,
          created_at: at.toISOString(),
        })
        .onConflict((oc) => oc.columns(['commune_id', 'id']).doNothing())
        .executeTakeFirst(),
    );
    return count(r.numInsertedOrUpdatedRows) === 1;
  }

  async account(id: string): Promise<StaffAccount | undefined> {
    const row = await this.run((trx) => this.row(trx, id));
    return row ? staffAccountOf(row) : undefined;
  }

  async credentials(id: string): Promise<StaffCredentials | undefined> {
    const row = await this.run((trx) => this.row(trx, id));
    if (!row) return undefined;
    return {
      principal: principalOf(row),
      ...(row.password_hash !== null && { passwordHash: row.password_hash }),
      disabled: row.disabled_at !== null,
    };
  }

  private row(trx: Trx, id: string) {
    return trx
      .selectFrom('staff_accounts')
      .select(ACCOUNT_COLUMNS)
      .where('commune_id', '=', this.communeId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async accounts(): Promise<StaffAccount[]> {
    const rows = await this.run((trx) =>
      trx
        .selectFrom('staff_accounts')
        .select(ACCOUNT_COLUMNS)
        .where('commune_id', '=', this.communeId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    );
    return rows.map(staffAccountOf);
  }

  disable(id: string, at: Date): Promise<boolean> {
    return this.run(async (trx) => {
      const r = await trx
        .updateTable('staff_accounts')
        .set({ disabled_at: at.toISOString() })
        .where('commune_id', '=', this.communeId)
        .where('id', '=', id)
        .where('disabled_at', 'is', null)
        .executeTakeFirst();
      if (count(r.numUpdatedRows) === 0) return false;
      await this.endSessionsIn(trx, id);
      await this.dropUnusedTokens(trx, id);
      return true;
    });
  }

  // ── set-up tokens ─────────────────────────────────────────────────────

  async addSetupToken(accountId: string, tokenHash: string, at: Date, expiresAt: Date): Promise<void> {
    await this.run(async (trx) => {
      await this.dropUnusedTokens(trx, accountId);
      await trx
        .insertInto('staff_setup_tokens')
        .values({
          commune_id: this.communeId,
          token_hash: tokenHash,
          account_id: accountId,
          created_at: at.toISOString(),
          expires_at: expiresAt.toISOString(),
        })
        .execute();
    });
  }

  private async dropUnusedTokens(trx: Trx, accountId: string): Promise<void> {
    await trx
      .deleteFrom('staff_setup_tokens')
      .where('commune_id', '=', this.communeId)
      .where('account_id', '=', accountId)
      .where('used_at', 'is', null)
      .execute();
  }

  async setupAccount(tokenHash: string, now: Date): Promise<StaffAccount | undefined> {
    const row = await this.run((trx) =>
      trx
        .selectFrom('staff_setup_tokens as t')
        .innerJoin('staff_accounts as a', (j) =>
          j.onRef('a.commune_id', '=', 't.commune_id').onRef('a.id', '=', 't.account_id'),
        )
        .select(['a.id', 'a.name', 'a.role', 'a.hamlet_id', 'a.created_at', 'a.disabled_at', 'a.password_hash'])
        .where('t.commune_id', '=', this.communeId)
        .where('t.token_hash', '=', tokenHash)
        .where('t.used_at', 'is', null)
        .where('t.expires_at', '>', now.toISOString())
        .where('a.disabled_at', 'is', null)
        .executeTakeFirst(),
    );
    return row ? staffAccountOf(row) : undefined;
  }

  useSetupToken(tokenHash: string, passwordHash: string, now: Date): Promise<string | undefined> {
    const at = now.toISOString();
    return this.run(async (trx) => {
      // One statement decides: the row lock makes a concurrent spender wait, then find it used.
      const spent = await trx
        .updateTable('staff_setup_tokens as t')
        .set({ used_at: at })
        .where('t.commune_id', '=', this.communeId)
        .where('t.token_hash', '=', tokenHash)
        .where('t.used_at', 'is', null)
        .where('t.expires_at', '>', at)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('staff_accounts as a')
              .select('a.id')
              .whereRef('a.commune_id', '=', 't.commune_id')
              .whereRef('a.id', '=', 't.account_id')
              .where('a.disabled_at', 'is', null),
          ),
        )
        .returning('t.account_id')
        .executeTakeFirst();
      if (!spent) return undefined;
      await trx
        .updateTable('staff_accounts')
        .set({ password_hash: passwordHash })
        .where('commune_id', '=', this.communeId)
        .where('id', '=', spent.account_id)
        .execute();
      await this.endSessionsIn(trx, spent.account_id);
      return spent.account_id;
    });
  }

  changePassword(accountId: string, passwordHash: string): Promise<boolean> {
    return this.run(async (trx) => {
      const r = await trx
        .updateTable('staff_accounts')
        .set({ password_hash: passwordHash })
        .where('commune_id', '=', this.communeId)
        .where('id', '=', accountId)
        .where('disabled_at', 'is', null)
        .executeTakeFirst();
      if (count(r.numUpdatedRows) === 0) return false;
      await this.endSessionsIn(trx, accountId);
      return true;
    });
  }

  // ── sessions ──────────────────────────────────────────────────────────

  async addSession(idHash: string, accountId: string, at: Date, expiresAt: Date): Promise<void> {
    const now = at.toISOString();
    await this.run(async (trx) => {
      await trx
        .deleteFrom('staff_sessions')
        .where('commune_id', '=', this.communeId)
        .where('expires_at', '<=', now)
        .execute();
      await trx
        .insertInto('staff_sessions')
        .values({
          commune_id: this.communeId,
          id_hash: idHash,
          account_id: accountId,
          created_at: now,
          expires_at: expiresAt.toISOString(),
          last_seen_at: now,
        })
        .execute();
    });
  }

  async session(idHash: string): Promise<StaffSessionRecord | undefined> {
    const row = await this.run((trx) =>
      trx
        .selectFrom('staff_sessions as s')
        .innerJoin('staff_accounts as a', (j) =>
          j.onRef('a.commune_id', '=', 's.commune_id').onRef('a.id', '=', 's.account_id'),
        )
        .select(['a.id', 'a.name', 'a.role', 'a.hamlet_id', 's.created_at', 's.last_seen_at', 's.expires_at'])
        .where('s.commune_id', '=', this.communeId)
        .where('s.id_hash', '=', idHash)
        .where('a.disabled_at', 'is', null)
        .executeTakeFirst(),
    );
    if (!row) return undefined;
    return {
      principal: principalOf(row),
      createdAt: new Date(row.created_at),
      lastSeenAt: new Date(row.last_seen_at),
      expiresAt: new Date(row.expires_at),
    };
  }

  async touchSession(idHash: string, at: Date): Promise<void> {
    await this.run((trx) =>
      trx
        .updateTable('staff_sessions')
        .set({ last_seen_at: at.toISOString() })
        .where('commune_id', '=', this.communeId)
        .where('id_hash', '=', idHash)
        .execute(),
    );
  }

  async endSession(idHash: string): Promise<void> {
    await this.run((trx) =>
      trx.deleteFrom('staff_sessions').where('commune_id', '=', this.communeId).where('id_hash', '=', idHash).execute(),
    );
  }

  async endSessionsOf(accountId: string): Promise<void> {
    await this.run((trx) => this.endSessionsIn(trx, accountId));
  }

  private async endSessionsIn(trx: Trx, accountId: string): Promise<void> {
    await trx
      .deleteFrom('staff_sessions')
      .where('commune_id', '=', this.communeId)
      .where('account_id', '=', accountId)
      .execute();
  }

  // ── failed logins ─────────────────────────────────────────────────────

  async failures(kind: FailureKind, key: string, since: Date): Promise<Date[]> {
    const rows = await this.run((trx) =>
      trx
        .selectFrom('staff_login_failures')
        .select('at')
        .where('commune_id', '=', this.communeId)
        .where('kind', '=', kind)
        .where('key', '=', key)
        .where('at', '>', since.toISOString())
        .orderBy('at', 'desc')
        .limit(100)
        .execute(),
    );
    return rows.map((r) => new Date(r.at));
  }

  async addFailure(keys: readonly { kind: FailureKind; key: string }[], at: Date, forgetBefore: Date): Promise<void> {
    await this.run(async (trx) => {
      await trx
        .deleteFrom('staff_login_failures')
        .where('commune_id', '=', this.communeId)
        .where('at', '<=', forgetBefore.toISOString())
        .execute();
      if (keys.length === 0) return;
      await trx
        .insertInto('staff_login_failures')
        .values(keys.map((k) => ({ commune_id: this.communeId, kind: k.kind, key: k.key, at: at.toISOString() })))
        .execute();
    });
  }

  async clearFailures(kind: FailureKind, key: string): Promise<void> {
    await this.run((trx) =>
      trx
        .deleteFrom('staff_login_failures')
        .where('commune_id', '=', this.communeId)
        .where('kind', '=', kind)
        .where('key', '=', key)
        .execute(),
    );
  }
}
