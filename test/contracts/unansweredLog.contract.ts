/**
 * The UnansweredLog contract, run on SQLite (test/integration/unansweredLog.test.ts)
 * and PostgreSQL (test/pg/unansweredLog.test.ts): each question is one row
 * with what staff need (kind, masked question, best source and score, the
 * answer for a 👎) and who asked (for erasure only), times as ISO text, long
 * texts cut at 2,000 characters. Named *.contract.ts so no vitest config collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MaybePromise, UnansweredLog } from '../../src/core/ports.js';
import type { TableAccess } from './tables.js';

export interface UnansweredSubject {
  readonly log: UnansweredLog;
  readonly tables: TableAccess;
  readonly close: () => MaybePromise<void>;
}

const at = (iso: string): Date => new Date(iso);

/** The columns the log writes, as stored. */
const written = (row: Record<string, unknown>) => ({
  channel: row['channel'],
  question: row['question'],
  best_ref: row['best_ref'],
  best_score: row['best_score'],
  created_at: row['created_at'],
  kind: row['kind'],
  answer: row['answer'],
  user_id: row['user_id'],
  flagged_by: row['flagged_by'],
});

export function describeUnansweredLogContract(name: string, make: () => MaybePromise<UnansweredSubject>): void {
  describe(`UnansweredLog contract (${name})`, () => {
    let subject: UnansweredSubject | undefined;
    const open = async (): Promise<UnansweredSubject> => (subject = await make());
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it('keeps each question with its kind, source, score, answer and asker, in order', async () => {
      const { log, tables } = await open();
      await log.record({
        channel: 'zalo',
        userId: 'z-1',
        question: 'giá vé xe khách đi Vinh, gọi tôi số [số điện thoại]',
        bestRef: 'vneid/cai-dat.md',
        bestScore: 0.3125,
        at: at('2026-12-01T01:00:00.000Z'),
      });
      await log.record({
        channel: 'web',
        kind: 'thumbs-down',
        question: 'VNeID là gì?',
        answer: 'VNeID là ứng dụng định danh điện tử.',
        at: at('2026-12-01T02:30:00.000Z'),
      });
      await log.record({
        channel: 'telegram',
        userId: '5550001234',
        kind: 'out-of-scope',
        question: 'thời tiết',
        at: at('2026-12-01T03:00:00.000Z'),
      });
      const rows = (await tables.rows('unanswered_questions')).map(written);
      expect(rows).toEqual([
        {
          channel: 'zalo',
          question: 'giá vé xe khách đi Vinh, gọi tôi số [số điện thoại]',
          best_ref: 'vneid/cai-dat.md',
          best_score: 0.3125,
          created_at: '2026-12-01T01:00:00.000Z',
          kind: 'miss',
          answer: null,
          user_id: 'z-1',
          flagged_by: null,
        },
        {
          channel: 'web',
          question: 'VNeID là gì?',
          best_ref: null,
          best_score: null,
          created_at: '2026-12-01T02:30:00.000Z',
          kind: 'thumbs-down',
          answer: 'VNeID là ứng dụng định danh điện tử.',
          user_id: null,
          flagged_by: null,
        },
        {
          channel: 'telegram',
          question: 'thời tiết',
          best_ref: null,
          best_score: null,
          created_at: '2026-12-01T03:00:00.000Z',
          kind: 'out-of-scope',
          answer: null,
          user_id: '5550001234',
          flagged_by: null,
        },
      ]);
    });

    it('cuts a long question and a long answer at 2,000 characters', async () => {
      const { log, tables } = await open();
      const long = 'ồ'.repeat(2500);
      await log.record({
        channel: 'web',
        kind: 'thumbs-down',
        question: long,
        answer: long,
        at: at('2026-12-01T01:00:00Z'),
      });
      const [row] = await tables.rows('unanswered_questions');
      expect(row?.['question']).toBe('ồ'.repeat(2000));
      expect(row?.['answer']).toBe('ồ'.repeat(2000));
    });
  });
}
