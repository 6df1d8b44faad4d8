/**
 * Every reply the core builds says what it is (`OutgoingReply.kind`), so a
 * channel presents or withholds it without reading its text. Walks each
 * builder — Q&A, menus, notices, the quiz, the group quiz, the consent form,
 * data rights and link codes — and checks the kind it gives.
 */
import { describe, expect, it } from 'vitest';
import { answerReply, onFeedback, replyWithFeedback } from '../../../../src/core/conversation/qaReplies.js';
import type { OutgoingReply, ReplyKind } from '../../../../src/core/messages.js';
import type { ConversationState } from '../../../../src/core/ports.js';
import type { QaAnswer } from '../../../../src/core/qa/types.js';
import { GROUP_QUIZ_LIST, onGroupQuizChoice } from '../../../../src/core/quiz/groupQuiz.js';
import { MY_RESULTS, QUIZ_LIST, QUIZ_QUIT, QUIZ_RESUME, startValue } from '../../../../src/core/quiz/feature.js';
import { MemoryUnansweredLog } from '../../../../src/storage/memory/index.js';
import { fixedClock } from '../../../helpers.js';
import * as F from '../../../fixtures/learning.js';

const kinds = (replies: readonly OutgoingReply[]): ReplyKind[] => replies.map((r) => r.kind);

const qa = (confident: boolean): QaAnswer => ({
  kind: confident ? 'passage' : 'unsure',
  confident,
  text: confident ? 'Bà con đến công an xã.\n\nNguồn: Định danh mức 2' : 'Tôi chưa chắc chắn.',
  sources: [{ title: 'Định danh mức 2', ref: 'vneid/muc-2.md', score: 0.9 }],
  related: [],
  topic: 'dinh danh muc 2',
  ref: 'vneid/muc-2.md',
});

describe('Q&A replies', () => {
  it('a confident answer is an answer, anything else is unsure, also with the 👍 / 👎 question', () => {
    expect(answerReply(qa(true), []).kind).toBe('answer');
    expect(answerReply(qa(false), []).kind).toBe('unsure');
    expect(replyWithFeedback({}, qa(true), []).kind).toBe('answer');
    expect(replyWithFeedback({}, qa(false), []).kind).toBe('unsure');
  });

  it('the thanks for a 👍 and the apology for a 👎 are notices', async () => {
    const deps = { unanswered: new MemoryUnansweredLog(), clock: fixedClock(), menu: [], whereToAsk: () => [] };
    const who = { channel: 'web' as const, userId: 'u1' };
    expect(kinds(await onFeedback(deps, who, {}, true))).toEqual(['notice']);
    const state: ConversationState = {};
    replyWithFeedback(state, qa(true), []);
    expect(kinds(await onFeedback(deps, who, state, false))).toEqual(['notice']);
  });
});

describe('menus and notices of the conversation', () => {
  it('welcome, help and the quiz list are menus; small talk, empty input and stale choices are notices', async () => {
    const r = new F.LearningRig();
    expect(kinds(await r.press('menu:start'))).toEqual(['menu']);
    expect(kinds(await r.press('menu:help'))).toEqual(['menu']);
    expect(kinds(await r.send('xin chào'))).toEqual(['menu']);
    expect(kinds(await r.send('cảm ơn'))).toEqual(['notice']);
    expect(kinds(await r.send(''))).toEqual(['notice']);
    expect(kinds(await r.press('faq:khong-con'))).toEqual(['notice']);
    // The warning about a secret, then the question around it, which the empty knowledge cannot answer.
    expect(kinds(await r.send('mật khẩu của tôi là 123456'))).toEqual(['notice', 'unsure']);
    expect(kinds(await r.send('làm bài kiểm tra'))).toEqual(['menu']);
    expect(kinds(await r.send('thôi'))).toEqual(['notice']);
  });
});

describe('the quiz', () => {
  it('consent form, questions, feedback, the result and the personal results', async () => {
    const r = new F.LearningRig(F.catalog(F.QUIZ_A, F.QUIZ_C));
    expect(kinds(await r.press(startValue(F.QUIZ_C.id)))).toEqual(['form']);
    const started = await r.press('reg:no');
    expect(kinds(started)).toEqual(['form', 'quiz-question']);
    const end = await r.press(F.rightValue(F.last(started)));
    expect(kinds(end)).toEqual(['quiz-feedback', 'quiz-result']);
    expect(kinds(await r.press(MY_RESULTS))).toEqual(['personal']);

    const first = F.last(await r.press(startValue(F.QUIZ_A.id)));
    expect(first.kind).toBe('quiz-question');
    const next = await r.press(F.wrongValue(first));
    expect(kinds(next)).toEqual(['quiz-feedback', 'quiz-question']);
    // The same press again: the question has moved on.
    expect(kinds(await r.press(F.wrongValue(first)))).toEqual(['notice', 'quiz-question']);
    // A question mid-quiz gets the answer, then a reminder of the quiz in progress.
    expect(kinds(await r.send('xin chào')).slice(-1)).toEqual(['menu']);
    expect(kinds(await r.press(QUIZ_RESUME))).toEqual(['quiz-question']);
    expect(kinds(await r.press(QUIZ_QUIT))).toEqual(['notice']);
    expect(kinds(await r.press(QUIZ_LIST))).toEqual(['menu']);
  });

  it('passing every core quiz adds the programme completion, a quiz result too', async () => {
    const r = new F.LearningRig();
    await r.finish(await r.begin(F.QUIZ_A.id));
    const end = await r.finish(await r.begin(F.QUIZ_B.id));
    expect(kinds(end)).toEqual(['quiz-feedback', 'quiz-result', 'quiz-result']);
  });
});

describe('the group quiz', () => {
  it('list, intro, practice question, revealed answer and the end', () => {
    const state: ConversationState = {};
    const quizzes = F.catalog(F.QUIZ_C);
    expect(kinds(onGroupQuizChoice(quizzes, state, GROUP_QUIZ_LIST) ?? [])).toEqual(['menu']);
    const go = onGroupQuizChoice(quizzes, state, `gq:go:${F.QUIZ_C.id}`) ?? [];
    expect(kinds(go)).toEqual(['notice', 'quiz-question', 'notice']);
    const next = F.last(go).buttons?.[0]?.value ?? '';
    expect(kinds(onGroupQuizChoice(quizzes, state, next) ?? [])).toEqual(['quiz-feedback', 'quiz-result']);
  });
});

describe('data rights and link codes', () => {
  it('data, deletion, link codes and their redemption are personal; the profile form is a form', async () => {
    const r = new F.LearningRig();
    expect(kinds(await r.press('me:data'))).toEqual(['personal']);
    expect(kinds(await r.press('me:link'))).toEqual(['personal']);
    const code = /: ([A-Z0-9]{8})/.exec(F.last(await r.press('me:link')).text)?.[1] ?? '';
    expect(kinds(await r.send(`liên kết ${code}`, F.TELEGRAM))).toEqual(['personal']);
    expect(kinds(await r.send('liên kết ZZZZZZZZ', F.TELEGRAM))).toEqual(['personal']);
    expect(kinds(await r.press('me:data'))).toEqual(['personal']);
    expect(kinds(await r.press('me:profile'))).toEqual(['form']);
    expect(kinds(await r.press('reg:yes'))).toEqual(['form']);
    expect(kinds(await r.send('Lan!!'))).toEqual(['form', 'form']);
    expect(kinds(await r.send('Cô Lan'))).toEqual(['form']);
    expect(kinds(await r.press('me:delete'))).toEqual(['personal']);
    expect(kinds(await r.press('me:delete:no'))).toEqual(['personal']);
    await r.press('me:delete');
    const deleted = await r.press('me:delete:yes');
    expect(deleted).toEqual([expect.objectContaining({ kind: 'personal', forget: true })]);
  });
});
