/**
 * @module storage/memory
 *
 * In-memory implementations of the core's storage ports. They are the test
 * fakes, and they back throwaway conversations (the terminal `cli chat`) where
 * nothing should be written to the commune's database.
 */
import type {
  AttemptRepo,
  CitizenRepo,
  ConversationKey,
  ConversationState,
  ConversationStateRepo,
  UnansweredLog,
  UnansweredQuestion,
} from '../../core/ports.js';
import type { Attempt, CompletionRecord, QuizResult } from '../../core/quiz/types.js';
import type { Citizen, CitizenProfile, ConsentState, Identity, RedeemResult } from '../../core/registry/types.js';

const keyOf = (k: ConversationKey): string => `${k.channel}\u0000${k.userId}`;

export class MemoryConversationRepo implements ConversationStateRepo {
  private readonly states = new Map<string, string>();

  get(key: ConversationKey): ConversationState | undefined {
    const raw = this.states.get(keyOf(key));
    return raw ? (JSON.parse(raw) as ConversationState) : undefined;
  }

  set(key: ConversationKey, state: ConversationState): void {
    // Stored as JSON, like the SQLite repo, so tests catch state that does not survive serialisation.
    this.states.set(keyOf(key), JSON.stringify(state));
  }

  delete(key: ConversationKey): void {
    this.states.delete(keyOf(key));
  }
}

export class MemoryUnansweredLog implements UnansweredLog {
  readonly entries: UnansweredQuestion[] = [];

  record(q: UnansweredQuestion): void {
    this.entries.push(q);
  }
}

// ---- Citizens, attempts and completion records ----

interface StoredCitizen {
  readonly id: string;
  consent: ConsentState;
  profile: CitizenProfile;
  readonly createdAt: string;
  updatedAt: string;
}

interface StoredIdentity extends Identity {
  citizenId: string;
  readonly createdAt: string;
}

interface StoredLinkCode {
  readonly citizenId: string;
  readonly expiresAt: string;
  usedAt?: string;
}

interface StoredPass {
  readonly citizenId: string;
  readonly quizId: string;
  readonly attemptId: string;
  readonly score: number;
  readonly passedAt: string;
}

const passKey = (citizenId: string, quizId: string): string => `${citizenId}\u0000${quizId}`;

/** Round-trips through JSON like the SQLite columns do, so no caller keeps a live reference. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The tables the two memory repos share, named like the SQLite ones. Linking
 * citizens moves attempts and passes and deleting a citizen removes them, so
 * the citizen repo and the attempt repo must see one store, as they see one
 * database file in production.
 */
export class MemoryRegistryStore {
  readonly citizens = new Map<string, StoredCitizen>();
  readonly citizen_identities = new Map<string, StoredIdentity>();
  readonly link_codes = new Map<string, StoredLinkCode>();
  readonly quiz_attempts = new Map<string, Attempt>();
  readonly quiz_passes = new Map<string, StoredPass>();
  readonly programme_completions = new Map<string, string>();

  /** Row counts per table, for tests that check a deletion left nothing behind. */
  counts(): Record<string, number> {
    return {
      citizens: this.citizens.size,
      citizen_identities: this.citizen_identities.size,
      link_codes: this.link_codes.size,
      quiz_attempts: this.quiz_attempts.size,
      quiz_passes: this.quiz_passes.size,
      programme_completions: this.programme_completions.size,
    };
  }

  /** Records the programme completion once every core quiz has a pass, dated by the last of them. */
  completeIfAllPassed(citizenId: string, coreQuizzes: readonly string[]): void {
    if (this.programme_completions.has(citizenId)) return;
    const core = [...new Set(coreQuizzes)];
    if (core.length === 0) return;
    let last = '';
    for (const quizId of core) {
      const pass = this.quiz_passes.get(passKey(citizenId, quizId));
      if (!pass) return;
      if (pass.passedAt > last) last = pass.passedAt;
    }
    this.programme_completions.set(citizenId, last);
  }
}

function citizenOf(c: StoredCitizen): Citizen {
  return copy({ id: c.id, consent: c.consent, profile: c.profile, createdAt: c.createdAt });
}

/**
 * The citizen register in memory, with the same semantics as
 * `SqliteCitizenRepo`: the test fake for the registry, and the register of a
 * throwaway terminal chat that must not write to the commune's file.
 */
export class MemoryCitizenRepo implements CitizenRepo {
  private readonly coreQuizzes: readonly string[];

  constructor(
    readonly store: MemoryRegistryStore = new MemoryRegistryStore(),
    options: { readonly coreQuizzes?: readonly string[] } = {},
  ) {
    this.coreQuizzes = options.coreQuizzes ?? [];
  }

  findByIdentity(identity: Identity): Citizen | undefined {
    const link = this.store.citizen_identities.get(keyOf(identity));
    const citizen = link && this.store.citizens.get(link.citizenId);
    return citizen ? citizenOf(citizen) : undefined;
  }

  ensure(identity: Identity, newId: string, at: Date): Citizen {
    const found = this.findByIdentity(identity);
    if (found) return found;
    if (this.store.citizens.has(newId)) throw new Error(`Citizen id already taken: ${newId}`);
    const iso = at.toISOString();
    this.store.citizens.set(newId, { id: newId, consent: 'unasked', profile: {}, createdAt: iso, updatedAt: iso });
    this.store.citizen_identities.set(keyOf(identity), {
      channel: identity.channel,
      userId: identity.userId,
      citizenId: newId,
      createdAt: iso,
    });
    return { id: newId, consent: 'unasked', profile: {}, createdAt: iso };
  }

  get(citizenId: string): Citizen | undefined {
    const citizen = this.store.citizens.get(citizenId);
    return citizen ? citizenOf(citizen) : undefined;
  }

  /** Keys present in `profile` are written (`undefined` clears); absent keys are kept. */
  update(citizenId: string, patch: { consent?: ConsentState; profile?: CitizenProfile }, at: Date): void {
    const citizen = this.store.citizens.get(citizenId);
    if (!citizen) return;
    if (patch.consent !== undefined) citizen.consent = patch.consent;
    if (patch.profile) citizen.profile = copy({ ...citizen.profile, ...patch.profile });
    citizen.updatedAt = at.toISOString();
  }

  identities(citizenId: string): Identity[] {
    return [...this.store.citizen_identities.values()]
      .filter((i) => i.citizenId === citizenId)
      .sort((a, b) => cmp(a.createdAt, b.createdAt) || cmp(a.channel, b.channel) || cmp(a.userId, b.userId))
      .map((i) => ({ channel: i.channel, userId: i.userId }));
  }

  createLinkCode(citizenId: string, code: string, expiresAt: Date): void {
    if (!this.store.citizens.has(citizenId)) throw new Error(`Unknown citizen: ${citizenId}`);
    for (const [c, row] of this.store.link_codes) {
      if (row.citizenId === citizenId && row.usedAt === undefined) this.store.link_codes.delete(c);
    }
    const held = this.store.link_codes.get(code);
    if (held && held.usedAt === undefined) {
      throw new Error('Link code is still held by another citizen; generate another one');
    }
    this.store.link_codes.set(code, { citizenId, expiresAt: expiresAt.toISOString() });
  }

  redeemLinkCode(code: string, identity: Identity, at: Date): RedeemResult {
    const iso = at.toISOString();
    const row = this.store.link_codes.get(code);
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.usedAt !== undefined || row.expiresAt < iso) return { ok: false, reason: 'expired' };
    const target = row.citizenId;
    const key = keyOf(identity);
    const link = this.store.citizen_identities.get(key);
    if (link?.citizenId === target) return { ok: false, reason: 'same-citizen' };
    if (link) this.merge(link.citizenId, target, iso);
    const moved = this.store.citizen_identities.get(key);
    if (moved) moved.citizenId = target;
    else {
      this.store.citizen_identities.set(key, {
        channel: identity.channel,
        userId: identity.userId,
        citizenId: target,
        createdAt: iso,
      });
    }
    row.usedAt = iso;
    const citizen = this.store.citizens.get(target);
    if (!citizen) throw new Error(`Link code points to a missing citizen: ${target}`);
    return { ok: true, citizen: citizenOf(citizen) };
  }

  delete(citizenId: string): void {
    const s = this.store;
    s.citizens.delete(citizenId);
    for (const [k, v] of s.citizen_identities) if (v.citizenId === citizenId) s.citizen_identities.delete(k);
    for (const [k, v] of s.link_codes) if (v.citizenId === citizenId) s.link_codes.delete(k);
    for (const [k, v] of s.quiz_attempts) if (v.citizenId === citizenId) s.quiz_attempts.delete(k);
    for (const [k, v] of s.quiz_passes) if (v.citizenId === citizenId) s.quiz_passes.delete(k);
    s.programme_completions.delete(citizenId);
  }

  /** The memory stores keep nothing per channel beyond the register, so erasing is deleting the citizen. */
  erase(identity: Identity): void {
    const citizen = this.findByIdentity(identity);
    if (citizen) this.delete(citizen.id);
  }

  private merge(merged: string, target: string, at: string): void {
    const s = this.store;
    const from = s.citizens.get(merged);
    const into = s.citizens.get(target);
    if (!from || !into) throw new Error(`Cannot merge missing citizen ${from ? target : merged}`);
    for (const i of s.citizen_identities.values()) if (i.citizenId === merged) i.citizenId = target;

    const targetActive = [...s.quiz_attempts.values()].some((a) => a.citizenId === target && a.status === 'active');
    for (const [id, a] of s.quiz_attempts) {
      if (a.citizenId !== merged) continue;
      const abandon = targetActive && a.status === 'active';
      s.quiz_attempts.set(id, { ...a, citizenId: target, ...(abandon && { status: 'abandoned' as const }) });
    }

    for (const [k, p] of s.quiz_passes) {
      if (p.citizenId !== merged) continue;
      s.quiz_passes.delete(k);
      const theirs = s.quiz_passes.get(passKey(target, p.quizId));
      if (!theirs || p.passedAt < theirs.passedAt)
        s.quiz_passes.set(passKey(target, p.quizId), { ...p, citizenId: target });
    }

    const mergedDone = s.programme_completions.get(merged);
    const targetDone = s.programme_completions.get(target);
    if (mergedDone !== undefined && (targetDone === undefined || mergedDone < targetDone)) {
      s.programme_completions.set(target, mergedDone);
    }
    s.programme_completions.delete(merged);
    s.completeIfAllPassed(target, this.coreQuizzes);

    const mine = into.profile;
    const theirs = from.profile;
    into.profile = copy({
      displayName: mine.displayName ?? theirs.displayName,
      hamlet: mine.hamlet ?? theirs.hamlet,
      group: mine.group ?? theirs.group,
      birthYear: mine.birthYear ?? theirs.birthYear,
    });
    if (into.consent === 'unasked') into.consent = from.consent;
    into.updatedAt = at;

    for (const [k, v] of s.link_codes) if (v.citizenId === merged) s.link_codes.delete(k);
    s.citizens.delete(merged);
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Attempts in memory, with the same compare-and-set `commit` as
 * `SqliteAttemptRepo`, so engine tests catch a double tap exactly as
 * production would. Share the store with a `MemoryCitizenRepo`.
 */
export class MemoryAttemptRepo implements AttemptRepo {
  constructor(readonly store: MemoryRegistryStore = new MemoryRegistryStore()) {}

  active(citizenId: string): Attempt | undefined {
    for (const a of this.store.quiz_attempts.values()) {
      if (a.citizenId === citizenId && a.status === 'active') return copy(a);
    }
    return undefined;
  }

  get(attemptId: string): Attempt | undefined {
    const a = this.store.quiz_attempts.get(attemptId);
    return a ? copy(a) : undefined;
  }

  start(attempt: Attempt): boolean {
    if (!this.store.citizens.has(attempt.citizenId)) throw new Error(`Unknown citizen: ${attempt.citizenId}`);
    if (this.store.quiz_attempts.has(attempt.id)) throw new Error(`Attempt id already taken: ${attempt.id}`);
    if (attempt.status === 'active' && this.active(attempt.citizenId)) return false;
    const { finishedAt: _f, score: _s, passed: _p, ...fresh } = attempt;
    this.store.quiz_attempts.set(attempt.id, copy(fresh));
    return true;
  }

  commit(attempt: Attempt, expectedCurrent: number, completion?: CompletionRecord): boolean {
    const stored = this.store.quiz_attempts.get(attempt.id);
    if (!stored || stored.status !== 'active' || stored.current !== expectedCurrent) return false;
    // Owner, quiz, version, order and start are fixed when the attempt starts.
    const { finishedAt, score, passed } = attempt;
    this.store.quiz_attempts.set(
      attempt.id,
      copy({
        ...stored,
        status: attempt.status,
        current: attempt.current,
        correct: attempt.correct,
        answers: attempt.answers,
        finishedAt,
        score,
        passed,
      }),
    );
    if (completion?.passed) {
      const key = passKey(stored.citizenId, stored.quizId);
      if (!this.store.quiz_passes.has(key)) {
        this.store.quiz_passes.set(key, {
          citizenId: stored.citizenId,
          quizId: stored.quizId,
          attemptId: attempt.id,
          score: completion.score,
          passedAt: completion.at,
        });
      }
      this.store.completeIfAllPassed(stored.citizenId, completion.coreQuizzes);
    }
    return true;
  }

  abandon(attemptId: string): void {
    const a = this.store.quiz_attempts.get(attemptId);
    if (a?.status === 'active') this.store.quiz_attempts.set(attemptId, { ...a, status: 'abandoned' });
  }

  results(citizenId: string): QuizResult[] {
    const byQuiz = new Map<string, { attempts: number; bestScore: number; firstPassedAt?: string }>();
    for (const a of this.store.quiz_attempts.values()) {
      if (a.citizenId !== citizenId || a.status !== 'finished') continue;
      const seen = byQuiz.get(a.quizId) ?? { attempts: 0, bestScore: 0 };
      byQuiz.set(a.quizId, { attempts: seen.attempts + 1, bestScore: Math.max(seen.bestScore, a.score ?? 0) });
    }
    for (const p of this.store.quiz_passes.values()) {
      if (p.citizenId !== citizenId) continue;
      const seen = byQuiz.get(p.quizId);
      byQuiz.set(p.quizId, {
        attempts: seen?.attempts ?? 0,
        bestScore: Math.max(seen?.bestScore ?? 0, p.score),
        firstPassedAt: p.passedAt,
      });
    }
    return [...byQuiz.entries()].sort(([a], [b]) => cmp(a, b)).map(([quizId, r]) => ({ quizId, ...r }));
  }

  programmeCompletedAt(citizenId: string): string | undefined {
    return this.store.programme_completions.get(citizenId);
  }
}
