/**
 * The CitizenRepo contract: one behaviour suite that every implementation
 * runs (SQLite in test/integration/citizenRepo.test.ts, with the memory fake;
 * PostgreSQL in test/pg/citizenRepo.test.ts): identities, link codes, the
 * merge that linking implies (earliest pass wins, filled profile, the target's
 * active attempt kept), and deletion of everything a citizen left. The cases
 * were the SQLite/memory suite's; they now hold every database to them.
 * Named *.contract.ts so neither vitest config collects it as a test file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptRepo, CitizenRepo, MaybePromise } from '../../src/core/ports.js';
import type { Attempt, CompletionRecord } from '../../src/core/quiz/types.js';
import type { Identity } from '../../src/core/registry/types.js';

/** The tables `counts` reports, by row count. */
export const CITIZEN_TABLES = [
  'citizens',
  'citizen_identities',
  'link_codes',
  'quiz_attempts',
  'quiz_passes',
  'programme_completions',
] as const;

export interface CitizenSubject {
  readonly citizens: CitizenRepo;
  readonly attempts: AttemptRepo;
  /** Rows per table of CITIZEN_TABLES, for this subject's commune. */
  readonly counts: () => MaybePromise<Record<string, number>>;
  readonly close: () => MaybePromise<void>;
}

export type CitizenSubjectFactory = (opts?: { coreQuizzes?: readonly string[] }) => MaybePromise<CitizenSubject>;

/** A call that may throw synchronously (SQLite) or reject (PostgreSQL), as a promise either way. */
export const later = async <T>(fn: () => MaybePromise<T>): Promise<T> => fn();

export const T0 = new Date('2026-12-01T08:00:00.000Z');
export const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
export const iso = (minutes: number): string => at(minutes).toISOString();

const WEB_A: Identity = { channel: 'web', userId: 'a' };
const TG_B: Identity = { channel: 'telegram', userId: 'b' };
const ZALO_C: Identity = { channel: 'zalo', userId: 'c' };

export function attempt(id: string, citizenId: string, quizId: string, startedMin = 0): Attempt {
  return {
    id,
    citizenId,
    quizId,
    quizVersion: 'v1',
    status: 'active',
    current: 0,
    correct: 0,
    order: [
      [0, 1, 2],
      [2, 0, 1],
    ],
    answers: [],
    startedAt: iso(startedMin),
  };
}

/** Plays an attempt to the end (two questions) and commits it with its completion record. */
export async function finish(
  repo: AttemptRepo,
  a: Attempt,
  score: number,
  minute: number,
  coreQuizzes: readonly string[] = [],
): Promise<boolean> {
  const passed = score >= 0.5;
  const done: Attempt = {
    ...a,
    status: 'finished',
    current: 2,
    correct: Math.round(score * 2),
    answers: [0, 1],
    finishedAt: iso(minute),
    score,
    passed,
  };
  const completion: CompletionRecord = {
    citizenId: a.citizenId,
    quizId: a.quizId,
    attemptId: a.id,
    score,
    passed,
    at: iso(minute),
    coreQuizzes,
  };
  const afterFirst: Attempt = { ...a, current: 1, correct: 1, answers: [0] };
  expect(await repo.commit(afterFirst, 0)).toBe(true);
  return repo.commit(done, 1, completion);
}

export function describeCitizenRepoContract(name: string, make: CitizenSubjectFactory): void {
  describe(`CitizenRepo contract (${name})`, () => {
    let subject: CitizenSubject | undefined;
    const open = async (opts?: { coreQuizzes?: readonly string[] }): Promise<CitizenSubject> =>
      (subject = await make(opts));
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it('maps an identity to its citizen, creating an anonymous one on first use', async () => {
      const { citizens } = await open();
      expect(await citizens.findByIdentity(WEB_A)).toBeUndefined();
      const created = await citizens.ensure(WEB_A, 'cit-a', T0);
      expect(created).toEqual({ id: 'cit-a', consent: 'unasked', profile: {}, createdAt: T0.toISOString() });
      expect(await citizens.findByIdentity(WEB_A)).toEqual(created);
      expect(await citizens.get('cit-a')).toEqual(created);
      expect(await citizens.identities('cit-a')).toEqual([WEB_A]);
      // The same user id on another channel is another identity.
      expect(await citizens.findByIdentity({ channel: 'telegram', userId: 'a' })).toBeUndefined();
      expect(await citizens.get('nobody')).toBeUndefined();
    });

    it('ensure is idempotent: a second call returns the first citizen and creates nothing', async () => {
      const { citizens, counts } = await open();
      const first = await citizens.ensure(WEB_A, 'cit-a', T0);
      const again = await citizens.ensure(WEB_A, 'cit-other', at(5));
      expect(again).toEqual(first);
      expect(await citizens.get('cit-other')).toBeUndefined();
      expect(await counts()).toMatchObject({ citizens: 1, citizen_identities: 1 });
    });

    it('updates consent and profile fields one at a time; a key given as undefined clears it', async () => {
      const { citizens } = await open();
      await citizens.ensure(WEB_A, 'cit-a', T0);
      await citizens.update('cit-a', { consent: 'given' }, at(1));
      await citizens.update('cit-a', { profile: { hamlet: 'xom-1', displayName: 'Bà Lan' } }, at(2));
      await citizens.update('cit-a', { profile: { group: 'nguoi-lon', birthYear: 1960 } }, at(3));
      expect(await citizens.get('cit-a')).toEqual({
        id: 'cit-a',
        consent: 'given',
        profile: { displayName: 'Bà Lan', hamlet: 'xom-1', group: 'nguoi-lon', birthYear: 1960 },
        createdAt: T0.toISOString(),
      });
      await citizens.update('cit-a', { profile: { birthYear: undefined } }, at(4));
      expect((await citizens.get('cit-a'))?.profile).toEqual({
        displayName: 'Bà Lan',
        hamlet: 'xom-1',
        group: 'nguoi-lon',
      });
      // Updating nobody is harmless.
      await citizens.update('nobody', { consent: 'declined' }, at(5));
      expect(await citizens.get('nobody')).toBeUndefined();
    });

    it('joins a new identity to the citizen who made the code, and uses the code up', async () => {
      const { citizens, counts } = await open();
      await citizens.ensure(WEB_A, 'cit-a', T0);
      await citizens.createLinkCode('cit-a', '482913', at(10));
      const result = await citizens.redeemLinkCode('482913', TG_B, at(5));
      expect(result).toEqual({ ok: true, citizen: await citizens.get('cit-a') });
      expect((await citizens.findByIdentity(TG_B))?.id).toBe('cit-a');
      expect(await citizens.identities('cit-a')).toEqual([WEB_A, TG_B]);
      expect(await counts()).toMatchObject({ citizens: 1, citizen_identities: 2, link_codes: 1 });

      // Reused: a used code is spent, for anyone.
      expect(await citizens.redeemLinkCode('482913', ZALO_C, at(6))).toEqual({ ok: false, reason: 'expired' });
      expect(await citizens.findByIdentity(ZALO_C)).toBeUndefined();
    });

    it('refuses an unknown code and an expired one, and accepts one redeemed at its expiry instant', async () => {
      const { citizens } = await open();
      await citizens.ensure(WEB_A, 'cit-a', T0);
      expect(await citizens.redeemLinkCode('000000', TG_B, at(1))).toEqual({ ok: false, reason: 'unknown' });

      await citizens.createLinkCode('cit-a', '111111', at(10));
      expect(await citizens.redeemLinkCode('111111', TG_B, at(11))).toEqual({ ok: false, reason: 'expired' });
      expect(await citizens.findByIdentity(TG_B)).toBeUndefined();

      await citizens.createLinkCode('cit-a', '222222', at(20));
      expect(await citizens.redeemLinkCode('222222', TG_B, at(20))).toMatchObject({ ok: true });
    });

    it('answers same-citizen when the identity already belongs to the code maker, leaving the code usable', async () => {
      const { citizens } = await open();
      await citizens.ensure(WEB_A, 'cit-a', T0);
      await citizens.createLinkCode('cit-a', '333333', at(10));
      expect(await citizens.redeemLinkCode('333333', WEB_A, at(1))).toEqual({ ok: false, reason: 'same-citizen' });
      expect(await citizens.redeemLinkCode('333333', TG_B, at(2))).toMatchObject({ ok: true });
    });

    it('replaces an earlier unused code of the same citizen', async () => {
      const { citizens, counts } = await open();
      await citizens.ensure(WEB_A, 'cit-a', T0);
      await citizens.createLinkCode('cit-a', '444444', at(10));
      await citizens.createLinkCode('cit-a', '555555', at(10));
      expect(await counts()).toMatchObject({ link_codes: 1 });
      expect(await citizens.redeemLinkCode('444444', TG_B, at(1))).toEqual({ ok: false, reason: 'unknown' });
      expect(await citizens.redeemLinkCode('555555', TG_B, at(1))).toMatchObject({ ok: true });
    });

    it("refuses to hand out another citizen's unused code, but reissues a used one", async () => {
      const { citizens } = await open();
      await citizens.ensure(WEB_A, 'cit-a', T0);
      await citizens.ensure(ZALO_C, 'cit-c', T0);
      await citizens.createLinkCode('cit-a', '666666', at(10));
      await expect(later(() => citizens.createLinkCode('cit-c', '666666', at(10)))).rejects.toThrow(/another citizen/);
      expect(await citizens.redeemLinkCode('666666', TG_B, at(1))).toMatchObject({ ok: true });
      await citizens.createLinkCode('cit-c', '666666', at(30));
      const again = await citizens.redeemLinkCode('666666', { channel: 'cli', userId: 'd' }, at(2));
      expect(again.ok && again.citizen.id).toBe('cit-c');
    });

    it('merges the identity’s previous citizen: both identities, earliest passes, filled profile', async () => {
      const { citizens, attempts, counts } = await open();
      // A made the code; B (another person record for the same human) passed q1 earlier and q2 only.
      await citizens.ensure(WEB_A, 'cit-a', T0);
      await citizens.ensure(TG_B, 'cit-b', T0);
      await citizens.ensure({ channel: 'cli', userId: 'b2' }, 'cit-b2', T0);
      await citizens.update('cit-a', { profile: { group: 'can-bo' } }, T0);
      await citizens.update('cit-b', { consent: 'given', profile: { hamlet: 'xom-2', group: 'hoc-sinh' } }, T0);

      expect(await attempts.start(attempt('a-q1', 'cit-a', 'q1'))).toBe(true);
      expect(await finish(attempts, attempt('a-q1', 'cit-a', 'q1'), 0.5, 30)).toBe(true);
      expect(await attempts.start(attempt('b-q1', 'cit-b', 'q1'))).toBe(true);
      expect(await finish(attempts, attempt('b-q1', 'cit-b', 'q1'), 1, 20)).toBe(true);
      expect(await attempts.start(attempt('b-q2', 'cit-b', 'q2'))).toBe(true);
      expect(await finish(attempts, attempt('b-q2', 'cit-b', 'q2'), 1, 40)).toBe(true);
      expect(await attempts.start(attempt('b-q3', 'cit-b', 'q3'))).toBe(true);
      expect(await attempts.start(attempt('a-q3', 'cit-a', 'q3'))).toBe(true);
      // B's other identity joins B first, so the merge has two identities to move.
      await citizens.createLinkCode('cit-b', '700000', at(60));
      expect(await citizens.redeemLinkCode('700000', { channel: 'cli', userId: 'b2' }, at(45))).toMatchObject({
        ok: true,
      });
      expect(await citizens.get('cit-b2')).toBeUndefined();

      await citizens.createLinkCode('cit-a', '777777', at(90));
      const result = await citizens.redeemLinkCode('777777', TG_B, at(50));
      expect(result).toEqual({
        ok: true,
        citizen: {
          id: 'cit-a',
          consent: 'given',
          profile: { hamlet: 'xom-2', group: 'can-bo' },
          createdAt: T0.toISOString(),
        },
      });
      expect(await citizens.get('cit-b')).toBeUndefined();
      expect(await citizens.identities('cit-a')).toEqual([{ channel: 'cli', userId: 'b2' }, TG_B, WEB_A]);
      expect((await citizens.findByIdentity({ channel: 'cli', userId: 'b2' }))?.id).toBe('cit-a');
      expect(await attempts.results('cit-a')).toEqual([
        { quizId: 'q1', attempts: 2, bestScore: 1, firstPassedAt: iso(20) },
        { quizId: 'q2', attempts: 1, bestScore: 1, firstPassedAt: iso(40) },
      ]);
      // Both had an active attempt on q3: the target keeps its own, the merged one is abandoned.
      expect((await attempts.active('cit-a'))?.id).toBe('a-q3');
      expect(await attempts.get('b-q3')).toMatchObject({ citizenId: 'cit-a', status: 'abandoned' });
      expect(await attempts.results('cit-b')).toEqual([]);
      expect(await counts()).toMatchObject({ citizens: 1, citizen_identities: 3, quiz_attempts: 5, quiz_passes: 2 });
    });

    it('moves the merged citizen’s active attempt over when the target has none', async () => {
      const { citizens, attempts } = await open();
      await citizens.ensure(WEB_A, 'cit-a', T0);
      await citizens.ensure(TG_B, 'cit-b', T0);
      expect(await attempts.start(attempt('b-q1', 'cit-b', 'q1'))).toBe(true);
      await citizens.createLinkCode('cit-a', '888888', at(90));
      expect(await citizens.redeemLinkCode('888888', TG_B, at(1))).toMatchObject({ ok: true });
      expect(await attempts.active('cit-a')).toMatchObject({ id: 'b-q1', citizenId: 'cit-a', status: 'active' });
    });

    it('keeps the earliest programme completion of the two, and records one the merge itself completes', async () => {
      const core = ['q1', 'q2'];
      const { citizens, attempts } = await open({ coreQuizzes: core });
      await citizens.ensure(WEB_A, 'cit-a', T0);
      await citizens.ensure(TG_B, 'cit-b', T0);
      await citizens.ensure(ZALO_C, 'cit-c', T0);
      // A passed q1 only, B passed q2 only: together they completed, when the later pass happened.
      await attempts.start(attempt('a-q1', 'cit-a', 'q1'));
      await finish(attempts, attempt('a-q1', 'cit-a', 'q1'), 1, 10, core);
      await attempts.start(attempt('b-q2', 'cit-b', 'q2'));
      await finish(attempts, attempt('b-q2', 'cit-b', 'q2'), 1, 20, core);
      expect(await attempts.programmeCompletedAt('cit-a')).toBeUndefined();
      await citizens.createLinkCode('cit-a', '900001', at(999));
      await citizens.redeemLinkCode('900001', TG_B, at(30));
      expect(await attempts.programmeCompletedAt('cit-a')).toBe(iso(20));

      // C completed on its own, earlier than A: after the merge A's completion is C's date.
      await attempts.start(attempt('c-q1', 'cit-c', 'q1'));
      await finish(attempts, attempt('c-q1', 'cit-c', 'q1'), 1, 1, core);
      await attempts.start(attempt('c-q2', 'cit-c', 'q2'));
      await finish(attempts, attempt('c-q2', 'cit-c', 'q2'), 1, 5, core);
      expect(await attempts.programmeCompletedAt('cit-c')).toBe(iso(5));
      await citizens.createLinkCode('cit-a', '900002', at(999));
      await citizens.redeemLinkCode('900002', ZALO_C, at(40));
      expect(await attempts.programmeCompletedAt('cit-a')).toBe(iso(5));
      expect(await attempts.programmeCompletedAt('cit-c')).toBeUndefined();
      expect((await attempts.results('cit-a')).map((r) => [r.quizId, r.firstPassedAt])).toEqual([
        ['q1', iso(1)],
        ['q2', iso(5)],
      ]);
    });

    it('deletes a citizen with every identity, code, attempt, pass and completion, and nobody else’s', async () => {
      const core = ['q1'];
      const { citizens, attempts, counts } = await open();
      await citizens.ensure(WEB_A, 'cit-a', T0);
      await citizens.ensure(ZALO_C, 'cit-c', T0);
      await citizens.createLinkCode('cit-a', '123123', at(10));
      await citizens.redeemLinkCode('123123', TG_B, at(1));
      await citizens.createLinkCode('cit-a', '321321', at(10));
      await attempts.start(attempt('a-q1', 'cit-a', 'q1'));
      await finish(attempts, attempt('a-q1', 'cit-a', 'q1'), 1, 2, core);
      await attempts.start(attempt('a-q2', 'cit-a', 'q2'));
      await attempts.start(attempt('c-q1', 'cit-c', 'q1'));
      await finish(attempts, attempt('c-q1', 'cit-c', 'q1'), 1, 3, core);
      expect(await counts()).toEqual({
        citizens: 2,
        citizen_identities: 3,
        link_codes: 2,
        quiz_attempts: 3,
        quiz_passes: 2,
        programme_completions: 2,
      });

      await citizens.delete('cit-a');
      expect(await counts()).toEqual({
        citizens: 1,
        citizen_identities: 1,
        link_codes: 0,
        quiz_attempts: 1,
        quiz_passes: 1,
        programme_completions: 1,
      });
      expect(await citizens.get('cit-a')).toBeUndefined();
      expect(await citizens.findByIdentity(WEB_A)).toBeUndefined();
      expect(await citizens.findByIdentity(TG_B)).toBeUndefined();
      expect(await citizens.identities('cit-a')).toEqual([]);
      expect(await attempts.active('cit-a')).toBeUndefined();
      expect(await attempts.get('a-q1')).toBeUndefined();
      expect(await attempts.results('cit-a')).toEqual([]);
      expect(await attempts.programmeCompletedAt('cit-a')).toBeUndefined();
      expect(await attempts.programmeCompletedAt('cit-c')).toBe(iso(3));
      // The same identity starts afresh as a new anonymous citizen.
      expect((await citizens.ensure(WEB_A, 'cit-a2', at(20))).id).toBe('cit-a2');
    });
  });
}
