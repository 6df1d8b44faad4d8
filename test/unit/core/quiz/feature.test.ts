/**
 * The quiz feature on its own, over the memory repos: what each choice
 * replies and what it writes. Button values come from the replies (never
 * rebuilt by hand), so the tests press exactly what a learner would.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingReply } from '../../../../src/core/messages.js';
import {
  createQuizFeature,
  MY_RESULTS,
  QUIZ_LIST,
  QUIZ_QUIT,
  QUIZ_RESUME,
  startValue,
  type QuizFeature,
} from '../../../../src/core/quiz/feature.js';
import * as T from '../../../../src/core/quiz/texts.js';
import type { Quiz } from '../../../../src/core/quiz/types.js';
import { MemoryQuizCatalog } from '../../../../src/content/loadQuizzes.js';
import { MemoryAttemptRepo, MemoryCitizenRepo, MemoryRegistryStore } from '../../../../src/storage/memory/index.js';
import { seededRandom } from '../../../fakes/random.js';
import {
  catalog,
  COMMUNE,
  labels,
  last,
  QUIZ_A,
  QUIZ_B,
  QUIZ_C,
  rightValue,
  texts,
  values,
  wrongValue,
} from '../../../fixtures/learning.js';
import { fixedClock } from '../../../helpers.js';

const CIT = 'cit-1';
const OTHER = 'cit-2';

interface Rig {
  feature: QuizFeature;
  store: MemoryRegistryStore;
  attempts: MemoryAttemptRepo;
  clock: ReturnType<typeof fixedClock>;
  /** Presses a choice as CIT; fails the test if the feature does not claim it. */
  press(choice: string, citizen?: string): Promise<OutgoingReply[]>;
  /** Starts a quiz and returns its first question. */
  start(quiz: Quiz, citizen?: string): Promise<OutgoingReply>;
  /** Answers the rest of an attempt; returns the replies to the last answer. */
  finish(first: OutgoingReply, pick?: (i: number) => 'right' | 'wrong', citizen?: string): Promise<OutgoingReply[]>;
}

function rig(quizzes: { list(): readonly Quiz[]; get(id: string): Quiz | undefined } = catalog()): Rig {
  const store = new MemoryRegistryStore();
  const citizens = new MemoryCitizenRepo(store);
  const attempts = new MemoryAttemptRepo(store);
  const clock = fixedClock();
  for (const [id, userId] of [
    [CIT, 'u1'],
    [OTHER, 'u2'],
  ] as const) {
    citizens.ensure({ channel: 'web', userId }, id, clock.now());
  }
  const feature = createQuizFeature({ quizzes, attempts, commune: COMMUNE, random: seededRandom(11), clock });
  const press = async (choice: string, citizen = CIT): Promise<OutgoingReply[]> => {
    const replies = await feature.onChoice(citizen, choice);
    if (!replies) throw new Error(`not a quiz choice: ${choice}`);
    return replies;
  };
  const start = async (quiz: Quiz, citizen = CIT) => last(await press(startValue(quiz.id), citizen));
  const finish = async (
    first: OutgoingReply,
    pick: (i: number) => 'right' | 'wrong' = () => 'right',
    citizen = CIT,
  ) => {
    let shown: OutgoingReply | undefined = first;
    let replies: OutgoingReply[] = [];
    while (shown?.quiz) {
      replies = await press(pick(shown.quiz.index) === 'right' ? rightValue(shown) : wrongValue(shown), citizen);
      clock.set(new Date(clock.now().getTime() + 1000).toISOString());
      shown = last(replies).quiz ? last(replies) : undefined;
    }
    return replies;
  };
  return { feature, store, attempts, clock, press, start, finish };
}

let r: Rig;
beforeEach(() => {
  r = rig();
});

describe('quiz list', () => {
  it('lists every quiz as a start button, core quizzes first', async () => {
    const [reply] = await r.press(QUIZ_LIST);
    expect(reply?.text).toBe(T.LIST_INTRO);
    expect(reply?.buttons).toEqual([
      { label: QUIZ_A.title, value: startValue(QUIZ_A.id) },
      { label: QUIZ_B.title, value: startValue(QUIZ_B.id) },
      { label: QUIZ_C.title, value: startValue(QUIZ_C.id) },
    ]);
  });

  it('marks the passed quizzes ✅ and the one in progress ▶', async () => {
    await r.finish(await r.start(QUIZ_B));
    await r.start(QUIZ_A);
    const [reply] = await r.press(QUIZ_LIST);
    expect(labels(reply?.buttons)).toEqual([`▶ ${QUIZ_A.title}`, `✅ ${QUIZ_B.title}`, QUIZ_C.title]);
    // The marks are the learner's own.
    const [theirs] = await r.press(QUIZ_LIST, OTHER);
    expect(labels(theirs?.buttons)).toEqual([QUIZ_A.title, QUIZ_B.title, QUIZ_C.title]);
  });

  it('says so when there is no quiz at all', async () => {
    const empty = rig(new MemoryQuizCatalog([]));
    expect(await empty.press(QUIZ_LIST)).toEqual([{ kind: 'notice', text: T.NO_QUIZZES }]);
  });
});

describe('taking a quiz', () => {
  it('shows the first question with its options as buttons, in the attempt’s shuffled order', async () => {
    const q = await r.start(QUIZ_A);
    expect(q.text).toBe(T.questionText(QUIZ_A, 0));
    expect(q.text).toContain('Câu 1/3');
    expect([...labels(q.buttons)].sort()).toEqual([...(QUIZ_A.questions[0]?.options ?? [])].sort());
    const attempt = r.attempts.active(CIT);
    expect(attempt).toBeDefined();
    expect(labels(q.buttons)).toEqual(attempt?.order[0]?.map((i) => QUIZ_A.questions[0]?.options[i]));
    expect(values(q.buttons)).toEqual([0, 1, 2, 3].map((p) => `quiz:a:${attempt?.id}:0:${p}`));
    expect(q.quiz).toEqual({
      quizId: QUIZ_A.id,
      attemptId: attempt?.id,
      index: 0,
      total: 3,
      correctPosition: attempt?.order[0]?.indexOf(0),
      explanation: QUIZ_A.questions[0]?.explanation,
    });
    // The meta points at the button that shows the right option.
    expect(q.buttons?.[q.quiz?.correctPosition ?? -1]?.label).toBe('Công an xã');
  });

  it('answers right: feedback with the explanation, then the next question', async () => {
    const q = await r.start(QUIZ_A);
    const replies = await r.press(rightValue(q));
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toBe(`${T.CORRECT}\n${QUIZ_A.questions[0]?.explanation}`);
    expect(replies[0]?.buttons).toBeUndefined();
    expect(replies[1]?.text).toBe(T.questionText(QUIZ_A, 1));
    expect(replies[1]?.quiz?.index).toBe(1);
  });

  it('answers wrong: names the right option and explains, then the next question', async () => {
    const q = await r.start(QUIZ_A);
    const replies = await r.press(wrongValue(q));
    expect(replies[0]?.text).toBe(`${T.wrong('Công an xã')}\n${QUIZ_A.questions[0]?.explanation}`);
    expect(replies[1]?.quiz?.index).toBe(1);
    expect(r.attempts.active(CIT)).toMatchObject({ current: 1, correct: 0 });
  });

  it('finishes with the score and a pass, recorded once, with retake / other / results buttons', async () => {
    const replies = await r.finish(await r.start(QUIZ_A), (i) => (i === 1 ? 'wrong' : 'right'));
    const end = last(replies);
    expect(end.text).toBe(T.finished(QUIZ_A, 2, true));
    expect(end.text).toContain('2/3');
    expect(values(end.buttons)).toEqual([startValue(QUIZ_A.id), QUIZ_LIST, MY_RESULTS]);
    expect(r.store.quiz_passes.size).toBe(1);
    expect(r.attempts.active(CIT)).toBeUndefined();
  });

  it('finishes with a fail against pass_score: nothing is recorded as passed', async () => {
    const replies = await r.finish(await r.start(QUIZ_A), (i) => (i === 0 ? 'right' : 'wrong'));
    expect(last(replies).text).toBe(T.finished(QUIZ_A, 1, false));
    expect(last(replies).text).toContain('cần đúng từ 66%');
    expect(r.store.quiz_passes.size).toBe(0);
    const [finished] = [...r.store.quiz_attempts.values()];
    expect(finished).toMatchObject({ status: 'finished', passed: false, correct: 1 });
  });

  it('retakes: a new attempt with a new shuffle; the first pass keeps its date, never a second record', async () => {
    await r.finish(await r.start(QUIZ_A), () => 'wrong');
    const passDay = '2026-12-02T09:00:00.000Z';
    r.clock.set(passDay);
    await r.finish(await r.start(QUIZ_A));
    const firstPass = r.store.quiz_passes.get(`${CIT}\u0000${QUIZ_A.id}`);
    // The finishing answer is the third, two clock ticks after the start.
    expect(firstPass?.passedAt).toBe('2026-12-02T09:00:02.000Z');

    r.clock.set('2026-12-05T09:00:00.000Z');
    const again = await r.finish(await r.start(QUIZ_A));
    expect(last(again).text).toBe(T.finished(QUIZ_A, 3, true));
    expect(r.store.quiz_passes.size).toBe(1);
    expect(r.store.quiz_passes.get(`${CIT}\u0000${QUIZ_A.id}`)).toEqual(firstPass);
    expect(r.attempts.results(CIT)).toEqual([
      { quizId: QUIZ_A.id, attempts: 3, bestScore: 1, firstPassedAt: firstPass?.passedAt },
    ]);
    const orders = [...r.store.quiz_attempts.values()].map((a) => JSON.stringify(a.order));
    expect(new Set(orders).size).toBeGreaterThan(1);
  });

  it('completes the programme when the last core quiz is passed, and says 🏅 once', async () => {
    const afterA = await r.finish(await r.start(QUIZ_A));
    expect(texts(afterA)).not.toContain('🏅');
    const afterC = await r.finish(await r.start(QUIZ_C));
    expect(texts(afterC)).not.toContain('🏅');
    expect(r.store.programme_completions.size).toBe(0);

    const afterB = await r.finish(await r.start(QUIZ_B));
    expect(afterB.map((x) => x.text)).toEqual([
      expect.stringContaining(T.CORRECT),
      T.PROGRAMME_DONE,
      T.finished(QUIZ_B, 2, true),
    ]);
    expect(r.store.programme_completions.size).toBe(1);

    const retake = await r.finish(await r.start(QUIZ_B));
    expect(texts(retake)).not.toContain('🏅');
    expect(r.store.programme_completions.size).toBe(1);
  });

  it('does not complete the programme on a failed core quiz', async () => {
    await r.finish(await r.start(QUIZ_A));
    const failed = await r.finish(await r.start(QUIZ_B), (i) => (i === 0 ? 'right' : 'wrong'));
    expect(texts(failed)).not.toContain('🏅');
    expect(r.store.programme_completions.size).toBe(0);
  });
});

describe('one active attempt per learner', () => {
  it('asks to resume or quit when another quiz is started mid-attempt', async () => {
    const q = await r.start(QUIZ_A);
    await r.press(rightValue(q));
    const replies = await r.press(startValue(QUIZ_B.id));
    expect(replies).toEqual([
      {
        kind: 'notice',
        text: T.busyWith(QUIZ_A.title, 1, 3),
        buttons: [
          { label: T.BTN_RESUME, value: QUIZ_RESUME },
          { label: T.BTN_QUIT, value: QUIZ_QUIT },
        ],
      },
    ]);
    expect(r.store.quiz_attempts.size).toBe(1);
  });

  it('starting the same quiz again shows the current question instead of a new attempt', async () => {
    const q = await r.start(QUIZ_A);
    const next = last(await r.press(rightValue(q)));
    const again = await r.press(startValue(QUIZ_A.id));
    expect(again).toEqual([next]);
    expect(r.store.quiz_attempts.size).toBe(1);
  });

  it('resumes at the question the learner is on', async () => {
    const q = await r.start(QUIZ_A);
    const next = last(await r.press(rightValue(q)));
    expect(await r.press(QUIZ_RESUME)).toEqual([next]);
  });

  it('resume with nothing in progress says so and lists the quizzes', async () => {
    const replies = await r.press(QUIZ_RESUME);
    expect(replies[0]?.text).toBe(T.NOTHING_TO_RESUME);
    expect(replies[1]?.text).toBe(T.LIST_INTRO);
  });

  it('abandons: the attempt is closed, its buttons no longer count, and another quiz can start', async () => {
    const q = await r.start(QUIZ_A);
    expect(await r.press(QUIZ_QUIT)).toEqual([
      { kind: 'notice', text: T.ABANDONED, buttons: [{ label: T.BTN_OTHER, value: QUIZ_LIST }] },
    ]);
    const [stored] = [...r.store.quiz_attempts.values()];
    expect(stored?.status).toBe('abandoned');
    const late = await r.press(rightValue(q));
    expect(late).toEqual([{ kind: 'notice', text: T.ATTEMPT_CLOSED, buttons: expect.any(Array) as unknown }]);
    expect(values(late[0]?.buttons)).toContain(startValue(QUIZ_A.id));
    expect(r.store.quiz_passes.size).toBe(0);
    expect((await r.start(QUIZ_B)).quiz?.index).toBe(0);
    expect((await r.press(QUIZ_QUIT))[0]?.text).toBe(T.ABANDONED);
    expect((await r.press(QUIZ_QUIT))[0]?.text).toBe(T.NOTHING_TO_RESUME);
  });

  it('reminds of the attempt in progress, and only then', async () => {
    expect(await r.feature.reminder(CIT)).toBeUndefined();
    await r.start(QUIZ_A);
    expect(await r.feature.reminder(CIT)).toEqual({
      kind: 'notice',
      text: T.resumeHint(QUIZ_A.title),
      buttons: [
        { label: T.BTN_RESUME, value: QUIZ_RESUME },
        { label: T.BTN_QUIT, value: QUIZ_QUIT },
      ],
    });
    expect(await r.feature.reminder(OTHER)).toBeUndefined();
  });
});

describe('stale, repeated and bad presses change nothing', () => {
  it('a double tap (the same value twice) is recognised as stale and the question shown again', async () => {
    const q = await r.start(QUIZ_A);
    const first = await r.press(rightValue(q));
    const snapshot = JSON.stringify([...r.store.quiz_attempts.values()]);
    const second = await r.press(rightValue(q));
    expect(second).toEqual([{ kind: 'notice', text: T.STALE_ANSWER }, last(first)]);
    expect(JSON.stringify([...r.store.quiz_attempts.values()])).toBe(snapshot);
  });

  it('an old question’s button (a different option) does not rewrite the answer given', async () => {
    const q = await r.start(QUIZ_A);
    await r.press(wrongValue(q));
    const q2 = last(await r.press(rightValue(q)));
    expect(q2.quiz?.index).toBe(1);
    await r.press(rightValue(q2));
    const stale = await r.press(rightValue(q));
    expect(stale[0]?.text).toBe(T.STALE_ANSWER);
    expect(stale[1]?.quiz?.index).toBe(2);
    expect(r.attempts.active(CIT)).toMatchObject({ current: 2, correct: 1 });
  });

  it('a redelivered final answer says the attempt is over and records nothing more', async () => {
    const q = await r.start(QUIZ_B);
    const q2 = last(await r.press(rightValue(q)));
    await r.press(rightValue(q2));
    const again = await r.press(rightValue(q2));
    expect(again[0]?.text).toBe(T.ATTEMPT_CLOSED);
    expect(values(again[0]?.buttons)).toEqual([startValue(QUIZ_B.id), QUIZ_LIST, MY_RESULTS]);
    expect(r.store.quiz_passes.size).toBe(1);
    expect([...r.store.quiz_attempts.values()].filter((a) => a.status === 'finished')).toHaveLength(1);
  });

  it('an unknown quiz id is named as such, with the list', async () => {
    const replies = await r.press(startValue('khong-co-bai-nay'));
    expect(replies[0]?.text).toBe(T.UNKNOWN_QUIZ);
    expect(replies[1]?.text).toBe(T.LIST_INTRO);
    expect(r.store.quiz_attempts.size).toBe(0);
  });

  it('an answer out of range (position 9) is refused and the question shown again', async () => {
    const q = await r.start(QUIZ_A);
    const attemptId = q.quiz?.attemptId ?? '';
    const replies = await r.press(`quiz:a:${attemptId}:0:9`);
    expect(replies).toEqual([{ kind: 'notice', text: T.INVALID_OPTION }, q]);
    expect(r.attempts.active(CIT)).toMatchObject({ current: 0, answers: [] });
  });

  it.each([
    'quiz:a:x',
    'quiz:zzz',
    'quiz:a:',
    'quiz:a:abc:0:x',
    'quiz:a:abc:-1:0',
    'quiz:a:abc:0:123',
    'quiz:a:ABC:0:1',
    'quiz:a:abc:0:1:extra',
    'quiz:go:',
  ])('a malformed value %j is answered with the list and changes nothing', async (value) => {
    const q = await r.start(QUIZ_A);
    const before = JSON.stringify([...r.store.quiz_attempts.values()]);
    const replies = await r.press(value);
    expect(replies[0]?.text).toBe(T.UNKNOWN_QUIZ);
    expect(replies[1]?.text).toBe(T.LIST_INTRO);
    expect(JSON.stringify([...r.store.quiz_attempts.values()])).toBe(before);
    expect(q.quiz).toBeDefined();
  });

  it('a well-formed answer to an attempt that does not exist is answered as closed', async () => {
    const replies = await r.press('quiz:a:nosuchattempt:0:1');
    expect(replies).toEqual([
      { kind: 'notice', text: T.ATTEMPT_CLOSED, buttons: [{ label: T.BTN_OTHER, value: QUIZ_LIST }] },
    ]);
  });

  it('another learner cannot answer someone else’s attempt', async () => {
    const q = await r.start(QUIZ_A);
    const replies = await r.press(rightValue(q), OTHER);
    expect(replies[0]?.text).toBe(T.ATTEMPT_CLOSED);
    expect(r.attempts.active(CIT)).toMatchObject({ current: 0 });
  });

  it('leaves other choices to the rest of the engine', async () => {
    expect(await r.feature.onChoice(CIT, 'menu:main')).toBeUndefined();
    expect(await r.feature.onChoice(CIT, 'me:data')).toBeUndefined();
  });
});

describe('a quiz bank edited mid-attempt', () => {
  it('does not resume an attempt started on another version: it is abandoned and the learner told', async () => {
    const quizzes = { current: catalog() };
    const live = { list: () => quizzes.current.list(), get: (id: string) => quizzes.current.get(id) };
    const x = rig(live);
    const q = await x.start(QUIZ_A);
    quizzes.current = catalog({ ...QUIZ_A, version: 'a-v2' }, QUIZ_B, QUIZ_C);
    const pressed = await x.press(rightValue(q));
    expect(pressed[0]?.text).toBe(T.QUIZ_CHANGED);
    expect(x.attempts.active(CIT)).toBeUndefined();
    // Starting again gives a fresh attempt on the new version.
    const fresh = await x.start(QUIZ_A);
    expect(fresh.quiz?.index).toBe(0);
    expect(x.attempts.active(CIT)?.quizVersion).toBe('a-v2');
  });

  it('on resume, says the quiz changed and lists the quizzes', async () => {
    const quizzes = { current: catalog() };
    const x = rig({ list: () => quizzes.current.list(), get: (id: string) => quizzes.current.get(id) });
    await x.start(QUIZ_A);
    quizzes.current = catalog(QUIZ_B, QUIZ_C);
    const replies = await x.press(QUIZ_RESUME);
    expect(replies[0]?.text).toBe(T.QUIZ_CHANGED);
    expect(replies[1]?.text).toBe(T.LIST_INTRO);
    expect(x.attempts.active(CIT)).toBeUndefined();
  });
});

describe('results', () => {
  it('says there is nothing yet before any attempt', async () => {
    expect(await r.press(MY_RESULTS)).toEqual([
      { kind: 'personal', text: T.RESULTS_EMPTY, buttons: [{ label: T.BTN_TAKE_QUIZ, value: QUIZ_LIST }] },
    ]);
  });

  it('lists passed and failed quizzes and the core quizzes still missing', async () => {
    await r.finish(await r.start(QUIZ_A));
    await r.finish(await r.start(QUIZ_B), () => 'wrong');
    const [reply] = await r.press(MY_RESULTS);
    expect(reply?.text).toContain(`✅ ${QUIZ_A.title}: đã đạt (điểm cao nhất 100%)`);
    expect(reply?.text).toContain(`• ${QUIZ_B.title}: chưa đạt (điểm cao nhất 0%, 1 lượt)`);
    expect(reply?.text).toContain(`cần đạt thêm: ${QUIZ_B.title}`);
    expect(reply?.text).not.toContain(QUIZ_C.title);
  });

  it('shows the programme as completed once all core quizzes are passed', async () => {
    await r.finish(await r.start(QUIZ_A));
    await r.finish(await r.start(QUIZ_B));
    const [reply] = await r.press(MY_RESULTS);
    expect(reply?.text).toContain('🏅 Đã hoàn thành chương trình của xã.');
  });
});
