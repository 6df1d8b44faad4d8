/**
 * @module core/quiz/groupQuiz
 *
 * A quiz a whole group takes together, for the "Ngày hội toàn dân học tập
 * số" on 10/10: someone in the group picks a quiz, each question is shown to
 * everyone, and anyone moves the group to the next question, which first
 * shows the previous answer with its explanation. It is practice only:
 * nothing is recorded about anyone (a group member never saw the consent
 * notice), so the last message invites people to take the quiz privately to
 * have it counted.
 *
 * The state is the group's own conversation state (the channel gives the
 * group an identity of its own), so a "next" pressed by several people at
 * once moves the group on once: a press for a question already shown
 * returns nothing.
 */
import type { OutgoingReply, ReplyButton } from '../messages.js';
import type { ConversationState, QuizCatalog } from '../ports.js';
import type { Quiz } from './types.js';
import { questionText } from './texts.js';
import * as T from './groupTexts.js';

export const GROUP_QUIZ_LIST = 'gq:list';
const GO = 'gq:go:';
const NEXT = 'gq:next:';

/** Where the group is: which quiz, and the question the next press will show. */
interface GroupQuizState {
  readonly quizId: string;
  readonly next: number;
}

export const isGroupQuizChoice = (choice: string): boolean => choice.startsWith('gq:');

function question(quiz: Quiz, index: number): OutgoingReply[] {
  const q = quiz.questions[index];
  if (!q) return [];
  const last = index + 1 >= quiz.questions.length;
  return [
    {
      kind: 'quiz-question',
      text: questionText(quiz, index),
      // Shown as the question's choices (a poll on Telegram); the group answers them, nothing is graded here.
      buttons: q.options.map((label, i) => ({ label, value: `gq:opt:${i}` })),
      quiz: {
        quizId: quiz.id,
        attemptId: 'group',
        index,
        total: quiz.questions.length,
        correctPosition: q.answer,
        explanation: q.explanation,
        practice: true,
      },
    },
    {
      kind: 'notice',
      text: T.NEXT_PROMPT,
      buttons: [{ label: last ? T.BTN_FINISH : T.BTN_NEXT, value: `${NEXT}${quiz.id}:${index + 1}` }],
    },
  ];
}

function answerOf(quiz: Quiz, index: number): OutgoingReply {
  const q = quiz.questions[index];
  return { kind: 'quiz-feedback', text: T.answer(index + 1, q?.options[q.answer] ?? '', q?.explanation ?? '') };
}

/** The replies to a group-quiz choice, updating the group's state; undefined when the choice is not one. */
export function onGroupQuizChoice(
  quizzes: QuizCatalog,
  state: ConversationState,
  choice: string,
): OutgoingReply[] | undefined {
  if (choice === GROUP_QUIZ_LIST) {
    const list = quizzes.list();
    if (list.length === 0) return [{ kind: 'notice', text: T.NONE }];
    const buttons: ReplyButton[] = list.map((q) => ({ label: q.title, value: `${GO}${q.id}` }));
    return [{ kind: 'menu', text: T.PICK, buttons }];
  }
  if (choice.startsWith(GO)) {
    const quiz = quizzes.get(choice.slice(GO.length));
    if (!quiz || quiz.questions.length === 0) return [{ kind: 'notice', text: T.UNKNOWN }];
    state.groupQuiz = { quizId: quiz.id, next: 1 } satisfies GroupQuizState;
    return [{ kind: 'notice', text: T.intro(quiz.title, quiz.questions.length) }, ...question(quiz, 0)];
  }
  if (choice.startsWith(NEXT)) {
    const [quizId = '', at = ''] = choice.slice(NEXT.length).split(':');
    const current = state.groupQuiz as GroupQuizState | undefined;
    // Someone else already moved the group on (or a new quiz started): nothing to show twice.
    if (!current || current.quizId !== quizId || String(current.next) !== at) return [];
    const quiz = quizzes.get(quizId);
    if (!quiz) {
      delete state.groupQuiz;
      return [{ kind: 'notice', text: T.UNKNOWN }];
    }
    const shown = answerOf(quiz, current.next - 1);
    if (current.next >= quiz.questions.length) {
      delete state.groupQuiz;
      return [shown, { kind: 'quiz-result', text: T.finished(quiz.title) }];
    }
    state.groupQuiz = { quizId, next: current.next + 1 } satisfies GroupQuizState;
    return [shown, ...question(quiz, current.next)];
  }
  // An option of a question shown as text: the answer comes with the next question.
  if (choice.startsWith('gq:opt:')) return [];
  return undefined;
}
