/**
 * The LearningStore contract (core/stores/learning.ts), run on SQLite
 * (test/integration/contentContracts.test.ts) and PostgreSQL
 * (test/pg/contentRepos.test.ts): which logged questions are grouped
 * (misses, 👎 and flagged ones, oldest first, read in pages), questions
 * staff type in, decisions on groups, and the daily counts. Row ids come
 * from the database (PostgreSQL's are shared by every commune), so the cases
 * read them back instead of assuming 1, 2, 3. Named *.contract.ts so no
 * vitest config collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnswerOutcomeLog, MaybePromise } from '../../src/core/ports.js';
import type { GroupDecision, LearningStore } from '../../src/core/stores/learning.js';
import type { TableAccess } from './tables.js';

export interface LearningSubject {
  readonly store: LearningStore & AnswerOutcomeLog;
  readonly communeId: string;
  readonly tables: TableAccess;
  readonly close: () => MaybePromise<void>;
}

const at = (iso: string): Date => new Date(iso);

export function describeLearningContract(name: string, make: () => MaybePromise<LearningSubject>): void {
  describe(`LearningStore contract (${name})`, () => {
    let subject: LearningSubject | undefined;
    const open = async (): Promise<LearningSubject> => (subject = await make());
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    /** Logs questions as the unanswered log does; returns their row ids in order. */
    async function logged(
      s: LearningSubject,
      rows: { question: string; kind: string; userId?: string; channel?: string; answer?: string; at: string }[],
    ): Promise<number[]> {
      for (const r of rows) {
        await s.tables.insert('unanswered_questions', {
          commune_id: s.communeId,
          channel: r.channel ?? 'web',
          question: r.question,
          created_at: r.at,
          kind: r.kind,
          answer: r.answer ?? null,
          user_id: r.userId ?? null,
        });
      }
      return (await s.tables.rows('unanswered_questions')).map((r) => Number(r['id']));
    }

    it('reads misses, 👎 and flagged rows oldest first, with who asked only as an opaque key', async () => {
      const s = await open();
      const { store } = s;
      const ids = await logged(s, [
        { question: 'một', kind: 'miss', userId: 'a', at: '2026-12-01T01:00:00.000Z' },
        { question: 'hai', kind: 'out-of-scope', userId: 'b', channel: 'zalo', at: '2026-12-01T02:00:00.000Z' },
        { question: 'ba', kind: 'thumbs-down', answer: 'đáp', at: '2026-12-01T03:00:00.000Z' },
        { question: 'bốn', kind: 'unclear', userId: 'c', at: '2026-12-01T04:00:00.000Z' },
      ]);
      const [u1, u2, u3, u4] = ids as [number, number, number, number];
      expect((await store.questions()).map((q) => q.text)).toEqual(['một', 'ba']);
      expect((await store.setAside()).map((q) => [q.id, q.question, q.kind, q.createdAt])).toEqual([
        [u4, 'bốn', 'unclear', '2026-12-01T04:00:00.000Z'],
        [u2, 'hai', 'out-of-scope', '2026-12-01T02:00:00.000Z'],
      ]);
      expect(await store.flagLogged(u2, 'staff-1', at('2026-12-02T00:00:00Z'))).toBe(true);
      expect(await store.flagLogged(u4 + 1000, 'staff-1', at('2026-12-02T00:00:00Z'))).toBe(false);
      const typed = await store.addTyped('năm', 'ở bộ phận một cửa', 'staff-1', at('2026-12-01T05:00:00Z'));
      expect(typed).toMatch(/^f\d+$/);
      const qs = await store.questions();
      expect(qs.map((q) => [q.id, q.text, q.kind, q.asker, q.answer])).toEqual([
        [`u${u1}`, 'một', 'miss', 'web:a', null],
        [`u${u2}`, 'hai', 'flag', 'zalo:b', null],
        [`u${u3}`, 'ba', 'thumbs-down', null, 'đáp'],
        [typed, 'năm', 'staff', null, null],
      ]);
      // A flagged question is no longer offered as set aside.
      expect((await store.setAside()).map((q) => q.id)).toEqual([u4]);
      const [flag] = await s.tables.rows('learning_flags');
      expect(flag).toMatchObject({ question: 'năm', note: 'ở bộ phận một cửa', flagged_by: 'staff-1' });
      const flagged = (await s.tables.rows('unanswered_questions')).find((r) => Number(r['id']) === u2);
      expect(flagged).toMatchObject({ flagged_by: 'staff-1', flagged_at: '2026-12-02T00:00:00.000Z' });
    });

    it('reads the newest questions across pages when there are more than one page', async () => {
      const s = await open();
      const base = Date.UTC(2026, 10, 1);
      await logged(
        s,
        Array.from({ length: 2100 }, (_, i) => ({
          question: `q${i}`,
          kind: i % 2 === 0 ? 'miss' : 'thumbs-down',
          at: new Date(base + i * 1000).toISOString(),
        })),
      );
      const qs = await s.store.questions(2050);
      expect(qs).toHaveLength(2050);
      expect(qs[0]?.text).toBe('q50');
      expect(qs.at(-1)?.text).toBe('q2099');
      expect(await s.store.questions(3)).toHaveLength(3);
    });

    it('keeps a decision, updates it, orders them by time, and forgets one on reopen', async () => {
      const { store } = await open();
      const d: GroupDecision = {
        id: 'q:u1',
        status: 'ignored',
        anchor: 'một',
        entryId: null,
        firstAskedAt: '2026-12-01T00:00:00.000Z',
        decidedBy: 's',
        decidedAt: '2026-12-02T00:00:00.000Z',
        reason: null,
      };
      const earlier: GroupDecision = { ...d, id: 'q:u9', decidedAt: '2026-12-01T12:00:00.000Z', reason: 'lạc đề' };
      await store.decide(d);
      await store.decide(earlier);
      await store.decide({ ...d, status: 'answered', entryId: 'console_1', anchor: 'khác' });
      // The anchor and the first time asked stay those of the first decision.
      const answered = { ...d, status: 'answered' as const, entryId: 'console_1' };
      expect(await store.decisions()).toEqual([earlier, answered]);
      expect(await store.decision('q:u1')).toEqual(answered);
      expect(await store.decision('nope')).toBeUndefined();
      await store.reopen('q:u1');
      expect(await store.decisions()).toEqual([earlier]);
      await store.reopen('q:u1');
    });

    it('counts outcomes per commune day and reads a range of days', async () => {
      const { store } = await open();
      await store.record({ at: at('2026-12-01T16:00:00Z'), kind: 'unsure' });
      await store.record({ at: at('2026-12-01T18:00:00Z'), kind: 'faq', faqId: 'console_2' });
      await store.record({ at: at('2026-12-01T18:30:00Z'), kind: 'faq', faqId: 'vneid-la-gi' });
      await store.record({ at: at('2026-12-20T03:00:00Z'), kind: 'passage' });
      expect(await store.outcomes('2026-12-01', '2026-12-19')).toEqual([
        { day: '2026-12-01', asked: 1, unanswered: 1, byConsole: 0 },
        { day: '2026-12-02', asked: 2, unanswered: 0, byConsole: 1 },
      ]);
      expect(await store.outcomes('2026-12-02', '2026-12-20')).toHaveLength(2);
      expect(await store.outcomes('2027-01-01', '2027-01-31')).toEqual([]);
    });
  });
}
