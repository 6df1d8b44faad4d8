/**
 * A learner's quiz through the real service, on SQLite or PostgreSQL
 * (test/testService.ts): the bundled quiz banks, the engine on the web
 * channel, and the rows staff count. What can go wrong with the SQLite file
 * itself is quizFile.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingReply } from '../../src/core/messages.js';
import { last, rightButton } from '../fixtures/quizReplies.js';
import * as Q from '../../src/core/quiz/texts.js';
import { testService, type TestService } from '../testService.js';

const QUIZ = 'vneid-co-ban';

let s: TestService;

beforeAll(async () => {
  s = await testService();
});

afterAll(async () => {
  await s?.close();
});

describe('a learner takes a bundled quiz on the web', () => {
  it('passes vneid-co-ban; the pass is in quiz_passes exactly once, even when the final answer is redelivered', async () => {
    expect(s.quizzes.list()).toHaveLength(12);
    const quiz = s.quizzes.get(QUIZ);
    expect(quiz).toBeDefined();
    const total = quiz?.questions.length ?? 0;
    const say = (m: { text?: string; choice?: string }) => s.engine.handle({ channel: 'web', userId: 'lan', ...m });

    const [list] = await say({ text: 'Làm bài kiểm tra' });
    expect(list?.buttons?.map((b) => b.value)).toContain(`quiz:go:${QUIZ}`);
    const consent = await say({ choice: `quiz:go:${QUIZ}` });
    expect(consent[0]?.buttons?.map((b) => b.value)).toEqual(['reg:yes', 'reg:no']);
    let shown = last(await say({ choice: 'reg:no' }));

    let finalPress = '';
    let finalReplies: OutgoingReply[] = [];
    for (let i = 0; i < total; i++) {
      expect(shown.quiz).toMatchObject({ index: i, total });
      expect(shown.text).toContain(`Câu ${i + 1}/${total}`);
      finalPress = rightButton(shown);
      finalReplies = await say({ choice: finalPress });
      expect(finalReplies[0]?.text).toContain(Q.CORRECT);
      shown = last(finalReplies);
    }
    expect(last(finalReplies).text).toBe(Q.finished(quiz!, total, true));

    const citizen = await s.citizens.findByIdentity({ channel: 'web', userId: 'lan' });
    expect(citizen?.consent).toBe('declined');
    const passes = async () =>
      (await s.tables.rows('quiz_passes')).map(({ citizen_id, quiz_id, score }) => ({ citizen_id, quiz_id, score }));
    expect(await passes()).toEqual([{ citizen_id: citizen?.id, quiz_id: QUIZ, score: 1 }]);

    // The web client retries the last request (or a Telegram update is redelivered).
    const again = await say({ choice: finalPress });
    expect(again[0]?.text).toBe(Q.ATTEMPT_CLOSED);
    expect(await passes()).toHaveLength(1);
    const statuses = (await s.tables.rows('quiz_attempts')).map((r) => r.status);
    expect(statuses).toEqual(['finished']);

    // Results read back from the database.
    const [results] = await say({ text: 'kết quả của tôi' });
    expect(results?.text).toContain(`✅ ${quiz?.title}: đã đạt (điểm cao nhất 100%)`);
  });
});
