/**
 * Two small contracts, run on SQLite (test/integration/smallRepos.test.ts)
 * and PostgreSQL (test/pg/smallRepos.test.ts):
 *  - moving a web visitor's id re-keys their identity, conversation, logged
 *    questions, owed replies and threads with staff, and nothing of another
 *    channel, another visitor or another commune;
 *  - a service secret is made once and then read back the same, also when
 *    several callers ask at once.
 * Named *.contract.ts so no vitest config collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MaybePromise } from '../../src/core/ports.js';
import type { Row, TableAccess } from './tables.js';

export interface WebIdentitySubject {
  readonly communeId: string;
  /** Another commune on the same database (its `communes` row made). */
  readonly otherCommuneId: string;
  /** Moves `from` to `to` in the subject's commune; the rows moved. */
  readonly move: (from: string, to: string) => MaybePromise<number>;
  readonly tables: TableAccess;
  /** Every row of `table`, all communes. */
  readonly allRows: (table: string) => Promise<Row[]>;
  readonly close: () => MaybePromise<void>;
}

const ISO = '2026-12-06T08:00:00.000Z';
const MOVED = ['citizen_identities', 'conversation_state', 'unanswered_questions', 'outbox', 'handoff_threads'];

async function seed(tables: TableAccess, communeId: string, channel: string, userId: string, tag: string) {
  const put = (table: string, row: Row) => tables.insert(table, { commune_id: communeId, ...row });
  await put('citizens', { id: `cit-${tag}`, created_at: ISO, updated_at: ISO });
  await put('citizen_identities', { channel, user_id: userId, citizen_id: `cit-${tag}`, created_at: ISO });
  await put('conversation_state', { channel, user_id: userId, state_json: '{}', updated_at: ISO });
  await put('unanswered_questions', { channel, user_id: userId, question: `hỏi ${tag}`, created_at: ISO });
  await put('outbox', {
    channel,
    user_id: userId,
    payload_json: JSON.stringify({ text: `Cán bộ xã trả lời ${tag}` }),
    status: 'pending',
    attempts: 0,
    next_attempt_at: ISO,
    created_at: ISO,
  });
  await put('handoff_threads', {
    channel,
    user_id: userId,
    citizen_id: null,
    hamlet_id: null,
    status: 'open',
    reason: 'asked',
    opened_at: ISO,
    closed_at: null,
    last_at: ISO,
    unread: 0,
  });
}

/** (commune, channel, user) of every row of the moved tables, sorted. */
async function keys(subject: WebIdentitySubject): Promise<string[]> {
  const out: string[] = [];
  for (const table of MOVED) {
    for (const r of await subject.allRows(table)) {
      out.push(`${table} ${String(r['commune_id'])} ${String(r['channel'])} ${String(r['user_id'])}`);
    }
  }
  return out.sort();
}

export function describeWebIdentityContract(name: string, make: () => MaybePromise<WebIdentitySubject>): void {
  describe(`web identity move contract (${name})`, () => {
    let subject: WebIdentitySubject | undefined;
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it("moves the visitor's five kinds of rows, and nothing of another channel, visitor or commune", async () => {
      const s = (subject = await make());
      await seed(s.tables, s.communeId, 'web', 'old-session', 'a');
      await seed(s.tables, s.communeId, 'telegram', 'old-session', 'b');
      await seed(s.tables, s.communeId, 'web', 'someone-else', 'c');
      await seed(s.tables, s.otherCommuneId, 'web', 'old-session', 'd');
      const before = await keys(s);

      expect(await s.move('old-session', 'new-session')).toBe(5);

      const expected = before
        .map((k) =>
          k === k.replace(`${s.communeId} web old-session`, '') ? k : k.replace('old-session', 'new-session'),
        )
        .sort();
      expect(await keys(s)).toEqual(expected);
      expect(expected.filter((k) => k.includes('new-session'))).toHaveLength(5);
      expect(await s.move('old-session', 'newer-session')).toBe(0);
    });
  });
}

export interface ServiceSecretSubject {
  readonly secret: (name: string) => MaybePromise<string>;
  readonly close: () => MaybePromise<void>;
}

export function describeServiceSecretContract(name: string, make: () => MaybePromise<ServiceSecretSubject>): void {
  describe(`service secret contract (${name})`, () => {
    let subject: ServiceSecretSubject | undefined;
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it('makes a secret once (32 random bytes, base64url) and hands the same one to every caller', async () => {
      const s = (subject = await make());
      const first = await Promise.all([1, 2, 3, 4].map(async () => s.secret('staff-session-key')));
      expect(new Set(first).size).toBe(1);
      expect(first[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await s.secret('staff-session-key')).toBe(first[0]);
      const web = await s.secret('web-session-key');
      expect(web).not.toBe(first[0]);
      expect(await s.secret('web-session-key')).toBe(web);
    });
  });
}
