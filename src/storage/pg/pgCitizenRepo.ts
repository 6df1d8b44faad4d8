/**
 * @module storage/pg/pgCitizenRepo
 *
 * Citizens, their channel identities and one-time link codes on PostgreSQL:
 * the twin of storage/sqlite/citizenRepo, with the same rules (the merge that
 * a link implies keeps the earliest pass of each quiz and the earliest
 * programme completion, fills the target's empty profile fields, gives way to
 * the target's active attempt) and the same ISO-text times.
 *
 * Every method is one `withCommune` transaction. SQLite serialises its
 * read-then-write methods with one IMMEDIATE transaction over the whole file;
 * here several processes run at once under READ COMMITTED, so each
 * read-then-write takes row locks in the order storage/pg/pgCitizenLocks
 * describes (citizens first, by id) and reads again what it decided on after
 * the lock is granted.
 */
import type { CitizenRepo } from '../../core/ports.js';
import type { ChannelName } from '../../core/messages.js';
import type { Citizen, CitizenProfile, ConsentState, Identity, RedeemResult } from '../../core/registry/types.js';
import type { PgDb } from './db.js';
import { citizenOfIdentity, lockCitizens, LOCK_TRIES, type Trx } from './pgCitizenLocks.js';
import { eraseInTransaction } from './pgErasure.js';
import { completeIfAllPassed } from './pgProgramme.js';
import { compiledOnce } from './compiledOnce.js';
import { bytewise } from './pgSql.js';
import type { CitizensTable } from './schema.js';
import { withCommune } from './tenant.js';
import type { Selectable, Updateable } from 'kysely';
import { citizenOf, profileOf } from '../rowForms.js';

type CitizenRow = Pick<
  Selectable<CitizensTable>,
  'id' | 'consent' | 'display_name' | 'hamlet' | 'target_group' | 'birth_year' | 'created_at'
>;

const CITIZEN_COLUMNS = [
  'id',
  'consent',
  'display_name',
  'hamlet',
  'target_group',
  'birth_year',
  'created_at',
] as const;

export interface PgCitizenRepoOptions {
  /**
   * Quizzes that together make up the programme. When given, a merge that
   * brings together passes of all of them records the programme completion
   * (dated by the last of those passes) even though no new quiz was passed.
   */
  readonly coreQuizzes?: readonly string[];
}

/**
 * Two key look-ups in one statement: the identity's citizen id as a
 * sub-select (run once), then that citizen. Written as a join, the planner
 * sometimes walked every citizen and probed the identities for each (bench
 * :scale saw ~75 index scans of citizen_identities per message).
 */
const citizenByIdentity = compiledOnce((db, a: { communeId: string; channel: string; userId: string }) =>
  db
    .selectFrom('citizens')
    .select(CITIZEN_COLUMNS)
    .where('commune_id', '=', a.communeId)
    .where('id', '=', (eb) =>
      eb
        .selectFrom('citizen_identities')
        .select('citizen_id')
        .where('commune_id', '=', a.communeId)
        .where('channel', '=', a.channel)
        .where('user_id', '=', a.userId),
    ),
);

export class PgCitizenRepo implements CitizenRepo {
  private readonly coreQuizzes: readonly string[];

  constructor(
    private readonly db: PgDb,
    private readonly communeId: string,
    options: PgCitizenRepoOptions = {},
  ) {
    this.coreQuizzes = [...new Set(options.coreQuizzes ?? [])];
  }

  private tx<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    return withCommune(this.db, this.communeId, fn);
  }

  async findByIdentity(identity: Identity): Promise<Citizen | undefined> {
    return this.tx((trx) => this.byIdentity(trx, identity));
  }

  /**
   * One read for a known resident. A first contact inserts the citizen, then
   * its identity with ON CONFLICT DO NOTHING: when another process created
   * the same identity meanwhile, the insert waits for it to commit and then
   * does nothing, and this one drops its own new citizen and returns theirs.
   */
  async ensure(identity: Identity, newId: string, at: Date): Promise<Citizen> {
    const iso = at.toISOString();
    return this.tx(async (trx) => {
      for (let i = 0; i < LOCK_TRIES; i++) {
        const found = await this.byIdentity(trx, identity);
        if (found) return found;
        await trx
          .insertInto('citizens')
          .values({ commune_id: this.communeId, id: newId, consent: 'unasked', created_at: iso, updated_at: iso })
          .execute();
        const joined = await trx
          .insertInto('citizen_identities')
          .values({
            commune_id: this.communeId,
            channel: identity.channel,
            user_id: identity.userId,
            citizen_id: newId,
            created_at: iso,
          })
          .onConflict((oc) => oc.columns(['commune_id', 'channel', 'user_id']).doNothing())
          .returning('citizen_id')
          .executeTakeFirst();
        if (joined) return { id: newId, consent: 'unasked', profile: {}, createdAt: iso };
        await this.deleteRow(trx, newId);
      }
      throw new Error('ensure: the identity kept changing; try again');
    });
  }

  async get(citizenId: string): Promise<Citizen | undefined> {
    return this.tx(async (trx) => {
      const row = await this.row(trx, citizenId);
      return row ? citizenOf(row) : undefined;
    });
  }

  /**
   * `consent` replaces the consent when given. In `profile`, every key present
   * is written (a key present with `undefined` clears that field) and absent
   * keys are kept. One UPDATE: its row lock orders it with a merge.
   */
  async update(
    citizenId: string,
    patch: { consent?: ConsentState; profile?: CitizenProfile },
    at: Date,
  ): Promise<void> {
    await this.tx((trx) => this.applyUpdate(trx, citizenId, patch.consent, patch.profile ?? {}, at.toISOString()));
  }

  async identities(citizenId: string): Promise<Identity[]> {
    const rows = await this.tx((trx) =>
      trx
        .selectFrom('citizen_identities')
        .select(['channel', 'user_id'])
        .where('commune_id', '=', this.communeId)
        .where('citizen_id', '=', citizenId)
        .orderBy(bytewise('created_at'))
        .orderBy(bytewise('channel'))
        .orderBy(bytewise('user_id'))
        .execute(),
    );
    return rows.map((r) => ({ channel: r.channel as ChannelName, userId: r.user_id }));
  }

  /**
   * Replaces the citizen's unused code; throws when `code` is another
   * citizen's unused code (the caller generates another). The citizen's row
   * is locked first, so two requests of one citizen cannot leave two codes.
   */
  async createLinkCode(citizenId: string, code: string, expiresAt: Date): Promise<void> {
    await this.tx(async (trx) => {
      await lockCitizens(trx, this.communeId, [citizenId], 'no key update');
      await trx
        .deleteFrom('link_codes')
        .where('commune_id', '=', this.communeId)
        .where('citizen_id', '=', citizenId)
        .where('used_at', 'is', null)
        .execute();
      // A used code may be handed out again; another citizen's unused one may not.
      const put = await trx
        .insertInto('link_codes')
        .values({ commune_id: this.communeId, code, citizen_id: citizenId, expires_at: expiresAt.toISOString() })
        .onConflict((oc) =>
          oc
            .columns(['commune_id', 'code'])
            .doUpdateSet((eb) => ({
              citizen_id: eb.ref('excluded.citizen_id'),
              expires_at: eb.ref('excluded.expires_at'),
              used_at: null,
            }))
            .where('link_codes.used_at', 'is not', null),
        )
        .returning('code')
        .executeTakeFirst();
      if (!put) throw new Error(`Link code is still held by another citizen; generate another one`);
    });
  }

  /**
   * One transaction: read the code and the identity's present citizen, lock
   * both citizens (FOR UPDATE, by id), lock the code row and read both again;
   * when a concurrent link changed either meanwhile, start over. Then merge,
   * join the identity and use the code up. A second redemption of the same
   * code waits on the citizen locks and then finds it used.
   */
  async redeemLinkCode(code: string, identity: Identity, at: Date): Promise<RedeemResult> {
    const iso = at.toISOString();
    const commune = this.communeId;
    return this.tx(async (trx) => {
      for (let i = 0; i < LOCK_TRIES; i++) {
        const row = await this.code(trx, code, false);
        if (!row) return { ok: false, reason: 'unknown' };
        if (row.used_at !== null || row.expires_at < iso) return { ok: false, reason: 'expired' };
        const target = row.citizen_id;
        const previous = await citizenOfIdentity(trx, commune, identity.channel, identity.userId);
        if (previous === target) return { ok: false, reason: 'same-citizen' };
        await lockCitizens(trx, commune, previous === undefined ? [target] : [target, previous]);
        const again = await this.code(trx, code, true);
        const previousAgain = await citizenOfIdentity(trx, commune, identity.channel, identity.userId);
        if (again?.citizen_id !== target || again.used_at !== null || previousAgain !== previous) continue;

        if (previous !== undefined) {
          await this.merge(trx, previous, target, iso);
          await trx
            .updateTable('citizen_identities')
            .set({ citizen_id: target })
            .where('commune_id', '=', commune)
            .where('channel', '=', identity.channel)
            .where('user_id', '=', identity.userId)
            .execute();
        } else {
          const joined = await trx
            .insertInto('citizen_identities')
            .values({
              commune_id: commune,
              channel: identity.channel,
              user_id: identity.userId,
              citizen_id: target,
              created_at: iso,
            })
            .onConflict((oc) => oc.columns(['commune_id', 'channel', 'user_id']).doNothing())
            .returning('citizen_id')
            .executeTakeFirst();
          // Another process gave this identity a citizen meanwhile: start over, to merge that one in.
          if (!joined) continue;
        }
        await trx
          .updateTable('link_codes')
          .set({ used_at: iso })
          .where('commune_id', '=', commune)
          .where('code', '=', code)
          .execute();
        const citizen = await this.row(trx, target);
        if (!citizen) throw new Error(`Link code points to a missing citizen: ${target}`);
        return { ok: true, citizen: citizenOf(citizen) };
      }
      throw new Error('redeemLinkCode: the code or identity kept changing; try again');
    });
  }

  /** Deletes the citizen; identities, codes, attempts, passes and completion go by cascade. */
  async delete(citizenId: string): Promise<void> {
    await this.tx((trx) => this.deleteRow(trx, citizenId));
  }

  /** Every row about the person, on every channel, in one transaction (see storage/pg/pgErasure). */
  async erase(identity: Identity): Promise<void> {
    await this.tx((trx) => eraseInTransaction(trx, this.communeId, identity));
  }

  /**
   * The identity's citizen (citizenByIdentity), in one statement.
   */
  private async byIdentity(trx: Trx, identity: Identity): Promise<Citizen | undefined> {
    const { rows } = await trx.executeQuery(
      citizenByIdentity({ communeId: this.communeId, channel: identity.channel, userId: identity.userId }),
    );
    const row = rows[0];
    return row ? citizenOf(row) : undefined;
  }

  private row(trx: Trx, citizenId: string): Promise<CitizenRow | undefined> {
    return trx
      .selectFrom('citizens')
      .select(CITIZEN_COLUMNS)
      .where('commune_id', '=', this.communeId)
      .where('id', '=', citizenId)
      .executeTakeFirst();
  }

  private code(trx: Trx, code: string, lock: boolean) {
    const q = trx
      .selectFrom('link_codes')
      .select(['citizen_id', 'expires_at', 'used_at'])
      .where('commune_id', '=', this.communeId)
      .where('code', '=', code);
    return (lock ? q.forUpdate() : q).executeTakeFirst();
  }

  private async deleteRow(trx: Trx, citizenId: string): Promise<void> {
    await trx.deleteFrom('citizens').where('commune_id', '=', this.communeId).where('id', '=', citizenId).execute();
  }

  private async applyUpdate(
    trx: Trx,
    citizenId: string,
    consent: ConsentState | undefined,
    profile: CitizenProfile,
    at: string,
  ): Promise<void> {
    const has = (k: keyof CitizenProfile): boolean => Object.prototype.hasOwnProperty.call(profile, k);
    const set: Updateable<CitizensTable> = {
      ...(consent !== undefined && { consent }),
      ...(has('displayName') && { display_name: profile.displayName ?? null }),
      ...(has('hamlet') && { hamlet: profile.hamlet ?? null }),
      ...(has('group') && { target_group: profile.group ?? null }),
      ...(has('birthYear') && { birth_year: profile.birthYear ?? null }),
      updated_at: at,
    };
    await trx
      .updateTable('citizens')
      .set(set)
      .where('commune_id', '=', this.communeId)
      .where('id', '=', citizenId)
      .execute();
  }

  /** Moves everything of `merged` onto `target` and deletes `merged`; both are locked by the caller. */
  private async merge(trx: Trx, merged: string, target: string, at: string): Promise<void> {
    const commune = this.communeId;
    const from = await this.row(trx, merged);
    const into = await this.row(trx, target);
    if (!from || !into) throw new Error(`Cannot merge missing citizen ${from ? target : merged}`);
    await trx
      .updateTable('citizen_identities')
      .set({ citizen_id: target })
      .where('commune_id', '=', commune)
      .where('citizen_id', '=', merged)
      .execute();
    // The merged citizen's active attempt gives way when the target already has one.
    await trx
      .updateTable('quiz_attempts')
      .set({ status: 'abandoned', updated_at: at })
      .where('commune_id', '=', commune)
      .where('citizen_id', '=', merged)
      .where('status', '=', 'active')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('quiz_attempts as t')
            .select('t.id')
            .where('t.commune_id', '=', commune)
            .where('t.citizen_id', '=', target)
            .where('t.status', '=', 'active'),
        ),
      )
      .execute();
    await trx
      .updateTable('quiz_attempts')
      .set({ citizen_id: target })
      .where('commune_id', '=', commune)
      .where('citizen_id', '=', merged)
      .execute();
    // Earliest pass wins, with the attempt and score that earned it.
    await trx
      .insertInto('quiz_passes')
      .columns(['commune_id', 'citizen_id', 'quiz_id', 'attempt_id', 'score', 'passed_at'])
      .expression((eb) =>
        eb
          .selectFrom('quiz_passes')
          .select((s) => [
            'commune_id',
            s.cast<string>(s.val(target), 'text').as('citizen_id'),
            'quiz_id',
            'attempt_id',
            'score',
            'passed_at',
          ])
          .where('commune_id', '=', commune)
          .where('citizen_id', '=', merged),
      )
      .onConflict((oc) =>
        oc
          .columns(['commune_id', 'citizen_id', 'quiz_id'])
          .doUpdateSet((eb) => ({
            attempt_id: eb.ref('excluded.attempt_id'),
            score: eb.ref('excluded.score'),
            passed_at: eb.ref('excluded.passed_at'),
          }))
          .where(bytewise('excluded.passed_at'), '<', bytewise('quiz_passes.passed_at')),
      )
      .execute();
    await trx
      .insertInto('programme_completions')
      .columns(['commune_id', 'citizen_id', 'completed_at'])
      .expression((eb) =>
        eb
          .selectFrom('programme_completions')
          .select((s) => ['commune_id', s.cast<string>(s.val(target), 'text').as('citizen_id'), 'completed_at'])
          .where('commune_id', '=', commune)
          .where('citizen_id', '=', merged),
      )
      .onConflict((oc) =>
        oc
          .columns(['commune_id', 'citizen_id'])
          .doUpdateSet((eb) => ({ completed_at: eb.ref('excluded.completed_at') }))
          .where(bytewise('excluded.completed_at'), '<', bytewise('programme_completions.completed_at')),
      )
      .execute();
    await completeIfAllPassed(trx, commune, target, this.coreQuizzes);

    // Fill the target's empty profile fields (and an unasked consent) from the merged citizen.
    const mine = profileOf(into);
    const theirs = profileOf(from);
    const fill: CitizenProfile = {
      ...(mine.displayName === undefined && theirs.displayName !== undefined && { displayName: theirs.displayName }),
      ...(mine.hamlet === undefined && theirs.hamlet !== undefined && { hamlet: theirs.hamlet }),
      ...(mine.group === undefined && theirs.group !== undefined && { group: theirs.group }),
      ...(mine.birthYear === undefined && theirs.birthYear !== undefined && { birthYear: theirs.birthYear }),
    };
    const consent = into.consent === 'unasked' && from.consent !== 'unasked' ? from.consent : undefined;
    await this.applyUpdate(trx, target, consent, fill, at);
    await this.deleteRow(trx, merged);
  }
}
