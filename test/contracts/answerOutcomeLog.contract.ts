/**
 * The AnswerOutcomeLog contract, run on SQLite
 * (test/integration/answerOutcomeLog.test.ts) and PostgreSQL
 * (test/pg/answerOutcomeLog.test.ts): each answered question adds one to its
 * commune day's count (UTC+7), with the unsure ones and those answered by a
 * staff-written (console) entry counted apart. Counts only: no text, no person.
 * Named *.contract.ts so no vitest config collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnswerOutcomeLog, MaybePromise } from '../../src/core/ports.js';
import type { TableAccess } from './tables.js';

export interface AnswerOutcomeSubject {
  readonly log: AnswerOutcomeLog;
  readonly tables: TableAccess;
  readonly close: () => MaybePromise<void>;
}

const at = (iso: string): Date => new Date(iso);

export function describeAnswerOutcomeLogContract(name: string, make: () => MaybePromise<AnswerOutcomeSubject>): void {
  describe(`AnswerOutcomeLog contract (${name})`, () => {
    let subject: AnswerOutcomeSubject | undefined;
    const open = async (): Promise<AnswerOutcomeSubject> => (subject = await make());
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it('counts outcomes per commune day, unsure and console answers apart', async () => {
      const { log, tables } = await open();
      await log.record({ at: at('2026-12-01T16:00:00Z'), kind: 'unsure' });
      // 17:00 UTC is already the next day in the commune.
      await log.record({ at: at('2026-12-01T17:00:00Z'), kind: 'faq', faqId: 'console_2' });
      await log.record({ at: at('2026-12-01T18:30:00Z'), kind: 'faq', faqId: 'vneid-la-gi' });
      await log.record({ at: at('2026-12-02T01:00:00Z'), kind: 'passage' });
      await log.record({ at: at('2026-12-02T02:00:00Z'), kind: 'unsure' });
      const rows = (await tables.rows('question_outcomes'))
        .map((r) => ({ day: r['day'], asked: r['asked'], unanswered: r['unanswered'], byConsole: r['by_console'] }))
        .sort((a, b) => String(a.day).localeCompare(String(b.day)));
      expect(rows).toEqual([
        { day: '2026-12-01', asked: 1, unanswered: 1, byConsole: 0 },
        { day: '2026-12-02', asked: 4, unanswered: 1, byConsole: 1 },
      ]);
    });

    it('counts every one of many outcomes recorded at once', async () => {
      const { log, tables } = await open();
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) =>
          log.record({
            at: at('2026-12-03T03:00:00Z'),
            kind: i % 4 === 0 ? 'unsure' : 'faq',
            faqId: i % 5 === 0 ? `console_${i}` : undefined,
          }),
        ),
      );
      expect(
        (await tables.rows('question_outcomes')).map((r) => [r['asked'], r['unanswered'], r['by_console']]),
      ).toEqual([[20, 5, 4]]);
    });
  });
}
