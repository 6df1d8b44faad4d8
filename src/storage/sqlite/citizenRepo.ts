/**
 * @module storage/sqlite/citizenRepo
 *
 * Citizens, their channel identities and the one-time codes that join a second
 * identity to the same person. Linking may merge two citizens, which touches
 * attempts and completion records too; that is done here, in one transaction,
 * so a crash never leaves a learner's passes split between two people.
 */
import type { Transaction } from 'better-sqlite3';
import type { CitizenRepo } from '../../core/ports.js';
import type { ChannelName } from '../../core/messages.js';
import type { Citizen, CitizenProfile, ConsentState, Identity, RedeemResult } from '../../core/registry/types.js';
import type { Db } from './db.js';
import { createEraser } from './erasure.js';
import { COMPLETE_IF_ALL_PASSED_SQL } from './programmeSql.js';
import { citizenOf, profileOf, type CitizenRow } from '../rowForms.js';

interface LinkCodeRow {
  readonly citizen_id: string;
  readonly expires_at: string;
  readonly used_at: string | null;
}

export interface SqliteCitizenRepoOptions {
  /**
   * Quizzes that together make up the programme. When given, a merge that
   * brings together passes of all of them records the programme completion
   * (dated by the last of those passes) even though no new quiz was passed.
   */
  readonly coreQuizzes?: readonly string[];
}

const CITIZEN_COLUMNS = 'id, consent, display_name, hamlet, target_group, birth_year, created_at';

/** better-sqlite3 refuses to bind booleans; flags go in as 0 or 1. */
const flag = (b: boolean): number => (b ? 1 : 0);

type Merge = { commune: string; target: string; merged: string };

/** Every statement the repo runs, prepared once per repo. */
function statements(db: Db) {
  return {
    byIdentity: db.prepare<[string, string, string], CitizenRow>(
      `SELECT c.id, c.consent, c.display_name, c.hamlet, c.target_group, c.birth_year, c.created_at
         FROM citizen_identities i JOIN citizens c ON c.commune_id = i.commune_id AND c.id = i.citizen_id
        WHERE i.commune_id = ? AND i.channel = ? AND i.user_id = ?`,
    ),
    get: db.prepare<[string, string], CitizenRow>(
      `SELECT ${CITIZEN_COLUMNS} FROM citizens WHERE commune_id = ? AND id = ?`,
    ),
    insertCitizen: db.prepare<[string, string, string, string]>(
      `INSERT INTO citizens (commune_id, id, consent, created_at, updated_at) VALUES (?, ?, 'unasked', ?, ?)`,
    ),
    upsertIdentity: db.prepare<[string, string, string, string, string]>(
      `INSERT INTO citizen_identities (commune_id, channel, user_id, citizen_id, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (commune_id, channel, user_id) DO UPDATE SET citizen_id = excluded.citizen_id`,
    ),
    identities: db.prepare<[string, string], { channel: ChannelName; user_id: string }>(
      `SELECT channel, user_id FROM citizen_identities WHERE commune_id = ? AND citizen_id = ?
        ORDER BY created_at, channel, user_id`,
    ),
    update: db.prepare<{
      commune: string;
      id: string;
      consent: ConsentState | null;
      setName: number;
      name: string | null;
      setHamlet: number;
      hamlet: string | null;
      setGroup: number;
      grp: string | null;
      setBirth: number;
      birth: number | null;
      at: string;
    }>(
      `UPDATE citizens SET
         consent = COALESCE(@consent, consent),
         display_name = CASE WHEN @setName THEN @name ELSE display_name END,
         hamlet = CASE WHEN @setHamlet THEN @hamlet ELSE hamlet END,
         target_group = CASE WHEN @setGroup THEN @grp ELSE target_group END,
         birth_year = CASE WHEN @setBirth THEN @birth ELSE birth_year END,
         updated_at = @at
       WHERE commune_id = @commune AND id = @id`,
    ),
    deleteUnusedCodes: db.prepare<[string, string]>(
      'DELETE FROM link_codes WHERE commune_id = ? AND citizen_id = ? AND used_at IS NULL',
    ),
    // A used code may be handed out again; another citizen's unused one may not.
    insertCode: db.prepare<[string, string, string, string]>(
      `INSERT INTO link_codes (commune_id, code, citizen_id, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (commune_id, code) DO UPDATE
         SET citizen_id = excluded.citizen_id, expires_at = excluded.expires_at, used_at = NULL
         WHERE link_codes.used_at IS NOT NULL`,
    ),
    code: db.prepare<[string, string], LinkCodeRow>(
      'SELECT citizen_id, expires_at, used_at FROM link_codes WHERE commune_id = ? AND code = ?',
    ),
    useCode: db.prepare<[string, string, string]>(
      'UPDATE link_codes SET used_at = ? WHERE commune_id = ? AND code = ?',
    ),
    citizenOfIdentity: db.prepare<[string, string, string], { citizen_id: string }>(
      'SELECT citizen_id FROM citizen_identities WHERE commune_id = ? AND channel = ? AND user_id = ?',
    ),
    moveIdentities: db.prepare<Merge>(
      'UPDATE citizen_identities SET citizen_id = @target WHERE commune_id = @commune AND citizen_id = @merged',
    ),
    // The merged citizen's active attempt gives way when the target already has one.
    abandonClashingActive: db.prepare<Merge & { at: string }>(
      `UPDATE quiz_attempts SET status = 'abandoned', updated_at = @at
        WHERE commune_id = @commune AND citizen_id = @merged AND status = 'active'
          AND EXISTS (SELECT 1 FROM quiz_attempts t
                       WHERE t.commune_id = @commune AND t.citizen_id = @target AND t.status = 'active')`,
    ),
    moveAttempts: db.prepare<Merge>(
      'UPDATE quiz_attempts SET citizen_id = @target WHERE commune_id = @commune AND citizen_id = @merged',
    ),
    // Earliest pass wins, with the attempt and score that earned it.
    mergePasses: db.prepare<Merge>(
      `INSERT INTO quiz_passes (commune_id, citizen_id, quiz_id, attempt_id, score, passed_at)
         SELECT commune_id, @target, quiz_id, attempt_id, score, passed_at
           FROM quiz_passes WHERE commune_id = @commune AND citizen_id = @merged
       ON CONFLICT (commune_id, citizen_id, quiz_id) DO UPDATE
         SET attempt_id = excluded.attempt_id, score = excluded.score, passed_at = excluded.passed_at
         WHERE excluded.passed_at < quiz_passes.passed_at`,
    ),
    mergeCompletion: db.prepare<Merge>(
      `INSERT INTO programme_completions (commune_id, citizen_id, completed_at)
         SELECT commune_id, @target, completed_at
           FROM programme_completions WHERE commune_id = @commune AND citizen_id = @merged
       ON CONFLICT (commune_id, citizen_id) DO UPDATE
         SET completed_at = excluded.completed_at
         WHERE excluded.completed_at < programme_completions.completed_at`,
    ),
    completeIfAllPassed: db.prepare<{ commune: string; citizen: string; core: string }>(COMPLETE_IF_ALL_PASSED_SQL),
    deleteCitizen: db.prepare<[string, string]>('DELETE FROM citizens WHERE commune_id = ? AND id = ?'),
  };
}

/**
 * The citizen register on the commune's SQLite file. Statements are prepared
 * once; every read-then-write runs in an IMMEDIATE transaction so the CLI and
 * the server sharing the file cannot interleave a link with a quiz answer.
 */
export class SqliteCitizenRepo implements CitizenRepo {
  private readonly coreQuizzes: string;
  private readonly s: ReturnType<typeof statements>;
  private readonly ensureTx: Transaction<(identity: Identity, newId: string, at: string) => Citizen>;
  private readonly createLinkCodeTx: Transaction<(citizenId: string, code: string, expiresAt: string) => void>;
  private readonly redeemTx: Transaction<(code: string, identity: Identity, at: string) => RedeemResult>;
  private readonly eraseRows: ReturnType<typeof createEraser>;

  constructor(
    db: Db,
    private readonly communeId: string,
    options: SqliteCitizenRepoOptions = {},
  ) {
    // Distinct ids, so "all passed" compares like with like.
    this.coreQuizzes = JSON.stringify([...new Set(options.coreQuizzes ?? [])]);
    this.s = statements(db);
    this.eraseRows = createEraser(db, communeId);

    this.ensureTx = db.transaction((identity: Identity, newId: string, at: string): Citizen => {
      const found = this.s.byIdentity.get(communeId, identity.channel, identity.userId);
      if (found) return citizenOf(found);
      this.s.insertCitizen.run(communeId, newId, at, at);
      this.s.upsertIdentity.run(communeId, identity.channel, identity.userId, newId, at);
      return { id: newId, consent: 'unasked', profile: {}, createdAt: at };
    });

    this.createLinkCodeTx = db.transaction((citizenId: string, code: string, expiresAt: string): void => {
      this.s.deleteUnusedCodes.run(communeId, citizenId);
      if (this.s.insertCode.run(communeId, code, citizenId, expiresAt).changes === 0) {
        throw new Error(`Link code is still held by another citizen; generate another one`);
      }
    });

    this.redeemTx = db.transaction((code: string, identity: Identity, at: string): RedeemResult => {
      const row = this.s.code.get(communeId, code);
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.used_at !== null || row.expires_at < at) return { ok: false, reason: 'expired' };
      const target = row.citizen_id;
      const previous = this.s.citizenOfIdentity.get(communeId, identity.channel, identity.userId)?.citizen_id;
      if (previous === target) return { ok: false, reason: 'same-citizen' };
      if (previous !== undefined) this.merge(previous, target, at);
      this.s.upsertIdentity.run(communeId, identity.channel, identity.userId, target, at);
      this.s.useCode.run(at, communeId, code);
      const citizen = this.s.get.get(communeId, target);
      if (!citizen) throw new Error(`Link code points to a missing citizen: ${target}`);
      return { ok: true, citizen: citizenOf(citizen) };
    });
  }

  findByIdentity(identity: Identity): Citizen | undefined {
    const row = this.s.byIdentity.get(this.communeId, identity.channel, identity.userId);
    return row ? citizenOf(row) : undefined;
  }

  /**
   * Every turn of a known resident lands here, so the common case is one plain
   * read; only a first contact takes the write lock (and checks again inside it).
   */
  ensure(identity: Identity, newId: string, at: Date): Citizen {
    return this.findByIdentity(identity) ?? this.ensureTx.immediate(identity, newId, at.toISOString());
  }

  get(citizenId: string): Citizen | undefined {
    const row = this.s.get.get(this.communeId, citizenId);
    return row ? citizenOf(row) : undefined;
  }

  /**
   * `consent` replaces the consent when given. In `profile`, every key present
   * is written (a key present with `undefined` clears that field) and absent
   * keys are kept, so one registration step can set one field at a time.
   */
  update(citizenId: string, patch: { consent?: ConsentState; profile?: CitizenProfile }, at: Date): void {
    this.applyUpdate(citizenId, patch.consent, patch.profile ?? {}, at.toISOString());
  }

  identities(citizenId: string): Identity[] {
    return this.s.identities.all(this.communeId, citizenId).map((r) => ({ channel: r.channel, userId: r.user_id }));
  }

  /** Throws when `code` is another citizen's unused code; the caller generates another. */
  createLinkCode(citizenId: string, code: string, expiresAt: Date): void {
    this.createLinkCodeTx.immediate(citizenId, code, expiresAt.toISOString());
  }

  redeemLinkCode(code: string, identity: Identity, at: Date): RedeemResult {
    return this.redeemTx.immediate(code, identity, at.toISOString());
  }

  delete(citizenId: string): void {
    this.s.deleteCitizen.run(this.communeId, citizenId);
  }

  /** Every row about the person, on every channel, in one transaction (see storage/sqlite/erasure). */
  erase(identity: Identity): void {
    this.eraseRows(identity);
  }

  private applyUpdate(citizenId: string, consent: ConsentState | undefined, profile: CitizenProfile, at: string): void {
    const has = (k: keyof CitizenProfile): boolean => Object.prototype.hasOwnProperty.call(profile, k);
    this.s.update.run({
      commune: this.communeId,
      id: citizenId,
      consent: consent ?? null,
      setName: flag(has('displayName')),
      name: profile.displayName ?? null,
      setHamlet: flag(has('hamlet')),
      hamlet: profile.hamlet ?? null,
      setGroup: flag(has('group')),
      grp: profile.group ?? null,
      setBirth: flag(has('birthYear')),
      birth: profile.birthYear ?? null,
      at,
    });
  }

  /** Moves everything of `merged` onto `target` and deletes `merged`; runs inside redeemTx. */
  private merge(merged: string, target: string, at: string): void {
    const commune = this.communeId;
    const from = this.s.get.get(commune, merged);
    const into = this.s.get.get(commune, target);
    if (!from || !into) throw new Error(`Cannot merge missing citizen ${from ? target : merged}`);
    const ids: Merge = { commune, target, merged };
    this.s.moveIdentities.run(ids);
    this.s.abandonClashingActive.run({ ...ids, at });
    this.s.moveAttempts.run(ids);
    this.s.mergePasses.run(ids);
    this.s.mergeCompletion.run(ids);
    this.s.completeIfAllPassed.run({ commune, citizen: target, core: this.coreQuizzes });

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
    this.applyUpdate(target, consent, fill, at);
    this.s.deleteCitizen.run(commune, merged);
  }
}
