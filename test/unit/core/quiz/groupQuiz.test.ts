/**
 * The group quiz on its own: a quiz picked for the whole group is shown one
 * question at a time, "next" first shows the answer, a "next" pressed twice
 * for the same question moves the group on once, and the end clears the
 * group's state. Nothing here touches a citizen or an attempt.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationState } from '../../../../src/core/ports.js';
import { GROUP_QUIZ_LIST, isGroupQuizChoice, onGroupQuizChoice } from '../../../../src/core/quiz/groupQuiz.js';
import * as T from '../../../../src/core/quiz/groupTexts.js';
import { catalog, QUIZ_B } from '../../../fixtures/learning.js';

const nextValue = (replies: readonly { buttons?: readonly { value: string }[] }[]): string => {
  const value = replies.at(-1)?.buttons?.[0]?.value;
  if (!value) throw new Error('no next button');
  return value;
};

describe('group quiz', () => {
  it('lists every quiz for the group to pick', () => {
    const replies = onGroupQuizChoice(catalog(), {}, GROUP_QUIZ_LIST);
    expect(replies?.[0]?.text).toBe(T.PICK);
    expect(replies?.[0]?.buttons?.map((b) => b.value)).toEqual([
      'gq:go:vneid-co-ban',
      'gq:go:nhan-dien-lua-dao',
      'gq:go:dien-thoai-co-ban',
    ]);
    expect(onGroupQuizChoice(catalog(QUIZ_B), {}, 'quiz:list')).toBeUndefined();
    expect(isGroupQuizChoice('gq:next:x:1')).toBe(true);
    expect(isGroupQuizChoice('quiz:go:x')).toBe(false);
  });

  it('walks the group through the quiz: question, then answer and next question, then the end', () => {
    const state: ConversationState = {};
    const quizzes = catalog(QUIZ_B);
    const start = onGroupQuizChoice(quizzes, state, 'gq:go:nhan-dien-lua-dao') ?? [];
    expect(start[0]?.text).toBe(T.intro(QUIZ_B.title, 2));
    const first = start[1];
    expect(first?.text).toContain('Câu 1/2');
    // Options in the bank's order, with the right one marked for a channel that shows it (a quiz poll).
    expect(first?.buttons?.map((b) => b.label)).toEqual(QUIZ_B.questions[0]?.options);
    expect(first?.quiz).toMatchObject({ quizId: QUIZ_B.id, index: 0, total: 2, correctPosition: 0, practice: true });
    expect(start[2]?.buttons?.[0]?.label).toBe(T.BTN_NEXT);

    const second = onGroupQuizChoice(quizzes, state, nextValue(start)) ?? [];
    expect(second[0]?.text).toBe(T.answer(1, 'Lừa đảo', QUIZ_B.questions[0]?.explanation ?? ''));
    expect(second[1]?.text).toContain('Câu 2/2');
    expect(second[2]?.buttons?.[0]?.label).toBe(T.BTN_FINISH);

    const end = onGroupQuizChoice(quizzes, state, nextValue(second)) ?? [];
    expect(end.map((r) => r.text)).toEqual([
      T.answer(2, 'Gác máy, báo công an xã', QUIZ_B.questions[1]?.explanation ?? ''),
      T.finished(QUIZ_B.title),
    ]);
    expect(state.groupQuiz).toBeUndefined();
  });

  it('moves the group on once when "next" is pressed twice, and ignores a "next" from an older run', () => {
    const state: ConversationState = {};
    const quizzes = catalog(QUIZ_B);
    const start = onGroupQuizChoice(quizzes, state, 'gq:go:nhan-dien-lua-dao') ?? [];
    const next = nextValue(start);
    expect(onGroupQuizChoice(quizzes, state, next)?.length).toBe(3);
    expect(onGroupQuizChoice(quizzes, state, next)).toEqual([]);
    // Starting again resets the group; the old run's buttons do nothing.
    onGroupQuizChoice(quizzes, state, 'gq:go:nhan-dien-lua-dao');
    expect(onGroupQuizChoice(quizzes, state, 'gq:next:nhan-dien-lua-dao:2')).toEqual([]);
    expect(onGroupQuizChoice(quizzes, state, 'gq:next:khac:1')).toEqual([]);
  });

  it('answers an unknown quiz, and an option pressed on a text channel, without changing anything', () => {
    const state: ConversationState = {};
    expect(onGroupQuizChoice(catalog(), state, 'gq:go:khong-co')).toEqual([{ kind: 'notice', text: T.UNKNOWN }]);
    expect(onGroupQuizChoice(catalog(), state, 'gq:opt:1')).toEqual([]);
    expect(state).toEqual({});
  });
});
