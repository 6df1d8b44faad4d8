/**
 * @module core/quiz/feature
 *
 * The quiz feature of the conversation: list, start, answer, resume, abandon,
 * results. Button values are short ASCII ids (`quiz:a:<attempt>:<question>:<position>`)
 * so every channel can carry them, and they name the attempt and question, so a
 * stale or repeated press is recognised and changes nothing. Every write goes
 * through `AttemptRepo.commit`, which refuses an answer for a question the
 * attempt has already moved past.
 */
import type { OutgoingReply, ReplyButton } from '../messages.js';
import type { AttemptRepo, Clock, QuizCatalog, Random } from '../ports.js';
import { newId } from '../random.js';
import type { CommuneInfo } from '../registry/types.js';
import { applyAnswer, newAttempt } from './grading.js';
import * as T from './texts.js';
import type { Attempt, Quiz } from './types.js';

export interface QuizFeatureDeps {
  readonly quizzes: QuizCatalog;
  readonly attempts: AttemptRepo;
  readonly commune: CommuneInfo;
  readonly random: Random;
  readonly clock: Clock;
}

export const QUIZ_LIST = 'quiz:list';
export const QUIZ_RESUME = 'quiz:resume';
export const QUIZ_QUIT = 'quiz:quit';
/** A typed "thôi không làm nữa" / "dừng" (registry `intentOf`): stops the quiz in progress, if any. */
export const QUIZ_STOP = 'quiz:stop';
/** The reply to QUIZ_STOP when there is nothing to stop, also for someone the registry does not know. */
export const NOTHING_TO_STOP: readonly OutgoingReply[] = [{ kind: 'notice', text: T.NOTHING_TO_STOP }];
export const MY_RESULTS = 'me:results';

export const startValue = (quizId: string): string => `quiz:go:${quizId}`;
const answerValue = (a: Attempt, position: number): string => `quiz:a:${a.id}:${a.current}:${position}`;

const afterButtons = (quizId: string): ReplyButton[] => [
  { label: T.BTN_RETAKE, value: startValue(quizId) },
  { label: T.BTN_OTHER, value: QUIZ_LIST },
  { label: T.BTN_RESULTS, value: MY_RESULTS },
];

export interface QuizFeature {
  /** Handles `quiz:*` and `me:results` choices for a known citizen; undefined if not a quiz choice. */
  onChoice(citizenId: string, choice: string): Promise<OutgoingReply[] | undefined>;
  /** A reminder with resume/quit buttons when the citizen has an attempt in progress. */
  reminder(citizenId: string): Promise<OutgoingReply | undefined>;
}

export function createQuizFeature(deps: QuizFeatureDeps): QuizFeature {
  const { quizzes, attempts } = deps;

  function questionReply(quiz: Quiz, attempt: Attempt): OutgoingReply {
    const q = quiz.questions[attempt.current];
    const order = attempt.order[attempt.current] ?? [];
    return {
      kind: 'quiz-question',
      text: T.questionText(quiz, attempt.current),
      buttons: order.map((bankIndex, position) => ({
        label: q?.options[bankIndex] ?? '',
        value: answerValue(attempt, position),
      })),
      quiz: {
        quizId: quiz.id,
        attemptId: attempt.id,
        index: attempt.current,
        total: quiz.questions.length,
        correctPosition: q ? order.indexOf(q.answer) : -1,
        explanation: q?.explanation ?? '',
      },
    };
  }

  /** The active attempt, abandoned first if its quiz changed or disappeared since it started. */
  async function usableActive(citizenId: string): Promise<{ attempt: Attempt; quiz: Quiz } | 'changed' | undefined> {
    const attempt = await attempts.active(citizenId);
    if (!attempt) return undefined;
    const quiz = quizzes.get(attempt.quizId);
    if (!quiz || quiz.version !== attempt.quizVersion) {
      await attempts.abandon(attempt.id, deps.clock.now());
      return 'changed';
    }
    return { attempt, quiz };
  }

  async function list(citizenId: string): Promise<OutgoingReply[]> {
    const all = quizzes.list();
    if (all.length === 0) return [{ kind: 'notice', text: T.NO_QUIZZES }];
    const results = new Map((await attempts.results(citizenId)).map((r) => [r.quizId, r]));
    const active = await attempts.active(citizenId);
    const buttons = all.map((q) => {
      const mark = active?.quizId === q.id ? '▶ ' : results.get(q.id)?.firstPassedAt ? '✅ ' : '';
      return { label: `${mark}${q.title}`, value: startValue(q.id) };
    });
    return [{ kind: 'menu', text: T.LIST_INTRO, buttons }];
  }

  async function start(citizenId: string, quizId: string): Promise<OutgoingReply[]> {
    const quiz = quizzes.get(quizId);
    if (!quiz) return [{ kind: 'notice', text: T.UNKNOWN_QUIZ }, ...(await list(citizenId))];
    const current = await usableActive(citizenId);
    const notes: OutgoingReply[] = current === 'changed' ? [{ kind: 'notice', text: T.QUIZ_CHANGED }] : [];
    if (current && current !== 'changed') {
      if (current.quiz.id === quiz.id) return [questionReply(current.quiz, current.attempt)];
      return [
        {
          kind: 'notice',
          text: T.busyWith(current.quiz.title, current.attempt.current, current.quiz.questions.length),
          buttons: [
            { label: T.BTN_RESUME, value: QUIZ_RESUME },
            { label: T.BTN_QUIT, value: QUIZ_QUIT },
          ],
        },
      ];
    }
    const attempt = newAttempt(quiz, citizenId, newId(deps.random), deps.random, deps.clock.now());
    if (!(await attempts.start(attempt))) {
      // Another turn started one a moment ago (double tap): show whatever is active now.
      const now = await usableActive(citizenId);
      if (now && now !== 'changed') return [questionReply(now.quiz, now.attempt)];
      return [{ kind: 'notice', text: T.UNKNOWN_QUIZ }];
    }
    return [...notes, questionReply(quiz, attempt)];
  }

  async function answer(
    citizenId: string,
    attemptId: string,
    index: number,
    position: number,
  ): Promise<OutgoingReply[]> {
    const attempt = await attempts.get(attemptId);
    if (!attempt || attempt.citizenId !== citizenId || attempt.status !== 'active') {
      const quizId = attempt?.quizId;
      return [
        {
          kind: 'notice',
          text: T.ATTEMPT_CLOSED,
          buttons: quizId ? afterButtons(quizId) : [{ label: T.BTN_OTHER, value: QUIZ_LIST }],
        },
      ];
    }
    const quiz = quizzes.get(attempt.quizId);
    if (!quiz || quiz.version !== attempt.quizVersion) {
      await attempts.abandon(attempt.id, deps.clock.now());
      return [
        {
          kind: 'notice',
          text: T.QUIZ_CHANGED,
          buttons: quiz ? afterButtons(quiz.id) : [{ label: T.BTN_OTHER, value: QUIZ_LIST }],
        },
      ];
    }
    if (index !== attempt.current) return [{ kind: 'notice', text: T.STALE_ANSWER }, questionReply(quiz, attempt)];
    const now = deps.clock.now();
    const outcome = applyAnswer(quiz, attempt, position, now);
    if (!outcome) return [{ kind: 'notice', text: T.INVALID_OPTION }, questionReply(quiz, attempt)];
    const completion = outcome.finished
      ? {
          citizenId,
          quizId: quiz.id,
          attemptId: attempt.id,
          score: outcome.attempt.score ?? 0,
          passed: outcome.attempt.passed === true,
          at: now.toISOString(),
          coreQuizzes: deps.commune.coreQuizzes,
        }
      : undefined;
    const wasDone = outcome.finished ? await attempts.programmeCompletedAt(citizenId) : undefined;
    if (!(await attempts.commit(outcome.attempt, attempt.current, completion))) {
      // A concurrent press won the race; show the state as it is now.
      const fresh = await attempts.get(attemptId);
      if (fresh?.status === 'active') return [{ kind: 'notice', text: T.STALE_ANSWER }, questionReply(quiz, fresh)];
      return [{ kind: 'notice', text: T.ATTEMPT_CLOSED, buttons: afterButtons(quiz.id) }];
    }
    const q = quiz.questions[attempt.current];
    const feedback: OutgoingReply = {
      kind: 'quiz-feedback',
      text: `${outcome.correct ? T.CORRECT : T.wrong(q?.options[outcome.rightOption] ?? '')}\n${q?.explanation ?? ''}`,
    };
    if (!outcome.finished) return [feedback, questionReply(quiz, outcome.attempt)];
    const replies: OutgoingReply[] = [
      feedback,
      {
        kind: 'quiz-result',
        text: T.finished(quiz, outcome.attempt.correct, outcome.attempt.passed === true),
        buttons: afterButtons(quiz.id),
      },
    ];
    if (!wasDone && outcome.attempt.passed && (await attempts.programmeCompletedAt(citizenId))) {
      replies.splice(1, 0, { kind: 'quiz-result', text: T.PROGRAMME_DONE });
    }
    return replies;
  }

  async function results(citizenId: string): Promise<OutgoingReply[]> {
    const byQuiz = new Map((await attempts.results(citizenId)).map((r) => [r.quizId, r]));
    const rows = quizzes.list().map((quiz) => ({ quiz, result: byQuiz.get(quiz.id) }));
    const done = (await attempts.programmeCompletedAt(citizenId)) !== undefined;
    const missing = deps.commune.coreQuizzes
      .filter((id) => !byQuiz.get(id)?.firstPassedAt)
      .map((id) => quizzes.get(id)?.title ?? id);
    return [
      {
        kind: 'personal',
        text: T.resultsText(rows, { done, missing }),
        buttons: [{ label: T.BTN_TAKE_QUIZ, value: QUIZ_LIST }],
      },
    ];
  }

  async function onChoice(citizenId: string, choice: string): Promise<OutgoingReply[] | undefined> {
    if (choice === QUIZ_LIST) return list(citizenId);
    if (choice === MY_RESULTS) return results(citizenId);
    if (choice === QUIZ_RESUME) {
      const current = await usableActive(citizenId);
      if (current === 'changed') return [{ kind: 'notice', text: T.QUIZ_CHANGED }, ...(await list(citizenId))];
      if (!current) return [{ kind: 'notice', text: T.NOTHING_TO_RESUME }, ...(await list(citizenId))];
      return [questionReply(current.quiz, current.attempt)];
    }
    if (choice === QUIZ_STOP) {
      const active = await attempts.active(citizenId);
      if (!active) return [...NOTHING_TO_STOP];
      await attempts.abandon(active.id, deps.clock.now());
      return [{ kind: 'notice', text: T.ABANDONED, buttons: [{ label: T.BTN_OTHER, value: QUIZ_LIST }] }];
    }
    if (choice === QUIZ_QUIT) {
      const active = await attempts.active(citizenId);
      if (active) await attempts.abandon(active.id, deps.clock.now());
      return [
        {
          kind: 'notice',
          text: active ? T.ABANDONED : T.NOTHING_TO_RESUME,
          buttons: [{ label: T.BTN_OTHER, value: QUIZ_LIST }],
        },
      ];
    }
    if (choice.startsWith('quiz:go:')) return start(citizenId, choice.slice('quiz:go:'.length));
    const m = /^quiz:a:([a-z0-9]{1,32}):(\d{1,3}):(\d{1,2})$/.exec(choice);
    if (m) return answer(citizenId, m[1] ?? '', Number(m[2]), Number(m[3]));
    if (choice.startsWith('quiz:')) return [{ kind: 'notice', text: T.UNKNOWN_QUIZ }, ...(await list(citizenId))];
    return undefined;
  }

  async function reminder(citizenId: string): Promise<OutgoingReply | undefined> {
    const current = await usableActive(citizenId);
    if (!current || current === 'changed') return undefined;
    return {
      kind: 'notice',
      text: T.resumeHint(current.quiz.title),
      buttons: [
        { label: T.BTN_RESUME, value: QUIZ_RESUME },
        { label: T.BTN_QUIT, value: QUIZ_QUIT },
      ],
    };
  }

  return { onChoice, reminder };
}
