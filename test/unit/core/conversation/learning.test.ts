/**
 * Quizzes and the citizen registry through the conversation engine, as a
 * learner meets them: the consent notice before the first quiz, the profile
 * form, typed answers on text-only channels, questions asked mid-quiz, a
 * restart of the service, data rights and linking a second channel. Pure
 * core over the memory repos, a seeded Random and a fixed clock.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as C from '../../../../src/core/conversation/texts.js';
import { QUIZ_LIST, QUIZ_QUIT, QUIZ_RESUME, startValue } from '../../../../src/core/quiz/feature.js';
import * as Q from '../../../../src/core/quiz/texts.js';
import * as R from '../../../../src/core/registry/texts.js';
import { foldMarks } from '../../../../src/core/text/normalize.js';
import {
  labels,
  last,
  LearningRig,
  QUIZ_A,
  QUIZ_B,
  QUIZ_C,
  rightValue,
  TELEGRAM,
  texts,
  values,
  WEB,
  wrongValue,
  ZALO,
} from '../../../fixtures/learning.js';

let r: LearningRig;
beforeEach(() => {
  r = new LearningRig();
});

const passKeys = (): string[] => [...r.store.quiz_passes.values()].map((p) => `${p.citizenId}/${p.quizId}`);

describe('the way in', () => {
  it('offers "Làm bài kiểm tra" first in the menu, and the typed command lists the quizzes', async () => {
    const [hello] = await r.send('xin chào');
    expect(hello?.buttons?.[0]).toEqual({ label: Q.BTN_TAKE_QUIZ, value: QUIZ_LIST });
    const [list] = await r.send('làm bài kiểm tra');
    expect(list?.text).toBe(Q.LIST_INTRO);
    expect(values(list?.buttons)).toEqual([startValue(QUIZ_A.id), startValue(QUIZ_B.id), startValue(QUIZ_C.id)]);
  });
});

describe('consent notice and profile form before the first quiz', () => {
  it('shows the consent notice before the first quiz; declining still counts the results', async () => {
    const notice = await r.press(startValue(QUIZ_B.id));
    expect(notice).toEqual([
      {
        kind: 'form',
        text: R.CONSENT,
        buttons: [
          { label: R.BTN_AGREE, value: 'reg:yes' },
          { label: R.BTN_SKIP_ALL, value: 'reg:no' },
        ],
      },
    ]);
    expect(r.store.quiz_attempts.size).toBe(0);

    const skipped = await r.send('Bỏ qua'); // typed, picks the button
    expect(skipped[0]?.text).toBe(R.FORM_SKIPPED);
    expect(skipped[1]?.quiz?.index).toBe(0);
    const end = await r.finish(last(skipped));
    expect(last(end).text).toBe(Q.finished(QUIZ_B, 2, true));

    const citizen = r.citizenOf();
    expect(citizen).toMatchObject({ consent: 'declined', profile: {} });
    expect(passKeys()).toEqual([`${citizen?.id}/${QUIZ_B.id}`]);

    // Asked once: the next quiz starts straight away.
    const next = await r.press(startValue(QUIZ_C.id));
    expect(next).toHaveLength(1);
    expect(next[0]?.quiz?.index).toBe(0);
  });

  it('agreeing walks name, hamlet, group and birth year, then starts the quiz that was asked for', async () => {
    await r.press(startValue(QUIZ_A.id));
    expect((await r.press('reg:yes'))[0]?.text).toBe(R.ASK_NAME);
    const hamlet = await r.send('Cô Lan');
    expect(hamlet[0]?.text).toBe(R.ASK_HAMLET);
    expect(labels(hamlet[0]?.buttons)).toEqual(['Xóm Đông', 'Xóm Tây', R.BTN_SKIP]);
    const group = await r.send('xom tay'); // the hamlet's name typed without marks picks its button
    expect(group[0]?.text).toBe(R.ASK_GROUP);
    const year = await r.press('reg:g:nguoi-dan');
    expect(year[0]?.text).toBe(R.ASK_BIRTH_YEAR);

    for (const bad of ['1899', '2999', 'abc']) {
      const refused = await r.send(bad);
      expect(refused.map((x) => x.text)).toEqual([R.BAD_BIRTH_YEAR, R.ASK_BIRTH_YEAR]);
    }
    const done = await r.send('1975');
    expect(done[0]?.text).toBe(R.FORM_DONE);
    expect(done[1]?.text).toBe(Q.questionText(QUIZ_A, 0));
    expect(r.citizenOf()).toMatchObject({
      consent: 'given',
      profile: { displayName: 'Cô Lan', hamlet: 'xom-2', group: 'nguoi-dan', birthYear: 1975 },
    });
  });

  it('lets each step be skipped, and the quiz still starts', async () => {
    await r.press(startValue(QUIZ_A.id));
    await r.press('reg:yes');
    const steps: string[] = [];
    for (let i = 0; i < 4; i++) steps.push(texts(await r.press('reg:skip')));
    expect(steps.slice(0, 3)).toEqual([R.ASK_HAMLET, R.ASK_GROUP, R.ASK_BIRTH_YEAR]);
    expect(steps[3]).toBe(`${R.FORM_DONE}\n${Q.questionText(QUIZ_A, 0)}`);
    expect(r.citizenOf()).toMatchObject({ consent: 'given', profile: {} });
  });

  it('answers a question typed at the name step instead of saving it as the name, then asks again', async () => {
    await r.press(startValue(QUIZ_A.id));
    await r.press('reg:yes');
    const replies = await r.send('Làm sao để cài VNeID?');
    expect(r.search.calls.map((c) => c.question)).toContain('Làm sao để cài VNeID?');
    expect(last(replies).text).toBe(R.ASK_NAME);
    expect(r.citizenOf()?.profile.displayName).toBeUndefined();
    await r.send('Bác Hùng');
    expect(r.citizenOf()?.profile.displayName).toBe('Bác Hùng');
  });

  it('runs a command typed at the name step instead of saving it as the name', async () => {
    await r.press(startValue(QUIZ_A.id));
    await r.press('reg:yes');
    const replies = await r.send('xóa dữ liệu của tôi');
    expect(replies[0]?.text).toBe(R.DELETE_CONFIRM);
    expect(r.citizenOf()?.profile.displayName).toBeUndefined();
    // The command closed the form: a name-like text afterwards is not stored as a name.
    await r.press('me:delete:no');
    await r.send('Bác Hùng');
    expect(r.citizenOf()?.profile.displayName).toBeUndefined();
  });

  it('answers an unknown quiz id as unknown, without asking for consent first', async () => {
    const replies = await r.press(startValue('khong-co-bai-nay'));
    expect(replies[0]?.text).toBe(Q.UNKNOWN_QUIZ);
    expect(replies[1]?.text).toBe(Q.LIST_INTRO);
    expect(r.citizenOf()?.consent).toBe('unasked');
  });
});

describe('text where a button is expected', () => {
  let q1: ReturnType<typeof last>;
  beforeEach(async () => {
    q1 = await r.begin(QUIZ_A.id);
  });

  it('a typed number picks the option at that position', async () => {
    const position = q1.quiz?.correctPosition ?? -1;
    const replies = await r.send(String(position + 1));
    expect(replies[0]?.text).toContain(Q.CORRECT);
    expect(last(replies).quiz?.index).toBe(1);
  });

  it('the option’s text picks it, with its marks or without them', async () => {
    const right = q1.buttons?.[q1.quiz?.correctPosition ?? -1]?.label ?? '';
    expect(right).toBe('Công an xã');
    const first = await r.send('công an xã');
    expect(first[0]?.text).toContain(Q.CORRECT);
    const q2 = last(first);
    const label = q2.buttons?.[q2.quiz?.correctPosition ?? -1]?.label ?? '';
    expect(label).toBe('Không bao giờ');
    const second = await r.send(foldMarks(label).toUpperCase());
    expect(second[0]?.text).toContain(Q.CORRECT);
    expect(r.attempts.active(r.citizenOf()?.id ?? '')).toMatchObject({ current: 2, correct: 2 });
  });

  it('other text is answered as a question, followed by the resume reminder; "1" then resumes', async () => {
    const replies = await r.send('Định danh mức 2 là gì?');
    expect(r.search.calls).toHaveLength(1);
    expect(last(replies)).toEqual({
      kind: 'notice',
      text: Q.resumeHint(QUIZ_A.title),
      buttons: [
        { label: Q.BTN_RESUME, value: QUIZ_RESUME },
        { label: Q.BTN_QUIT, value: QUIZ_QUIT },
      ],
    });
    expect(await r.send('1')).toEqual([q1]);
  });

  it('a number past the options does not move the attempt; the options are offered again', async () => {
    const replies = await r.send('9');
    expect(replies).toHaveLength(1);
    expect(last(replies).text).toBe(C.numberOutOfRange(QUIZ_A.questions[0]?.options.length ?? 0));
    expect(last(replies).buttons?.every((b) => b.value.startsWith('quiz:a:'))).toBe(true);
    expect(r.attempts.active(r.citizenOf()?.id ?? '')).toMatchObject({ current: 0, answers: [] });
  });
});

describe('a birth year typed with two digits', () => {
  /** Walks the form to the birth-year step on Zalo (typed answers only). */
  async function toBirthYear(): Promise<void> {
    await r.press(startValue(QUIZ_C.id), ZALO);
    await r.send('Đồng ý', ZALO);
    await r.send('Bác Tư', ZALO);
    await r.send('1', ZALO); // Xóm Đông
    const year = await r.send('1', ZALO); // Người dân
    expect(year[0]?.text).toBe(R.ASK_BIRTH_YEAR);
  }

  it('"57" is 1957, not a button number', async () => {
    await toBirthYear();
    const done = await r.send('57', ZALO);
    expect(done[0]?.text).toBe(R.FORM_DONE);
    expect(r.citizenOf(ZALO)?.profile.birthYear).toBe(1957);
  });

  it.each(['23', '7', '999'])('%j is explained politely, never "only one choice"', async (text) => {
    await toBirthYear();
    const replies = await r.send(text, ZALO);
    expect(replies.map((x) => x.text)).toEqual([R.BAD_BIRTH_YEAR, R.ASK_BIRTH_YEAR]);
    expect(texts(replies)).not.toContain('Chỉ có một lựa chọn');
  });

  it('"1" still picks the one listed choice (skip)', async () => {
    await toBirthYear();
    expect((await r.send('1', ZALO))[0]?.text).toBe(R.FORM_DONE);
    expect(r.citizenOf(ZALO)?.profile.birthYear).toBeUndefined();
  });
});

describe('stopping a quiz by typing', () => {
  it.each(['thôi không làm nữa', 'dừng', 'dung lai', 'thoi', 'Dừng lại!', 'ko lam nua'])(
    '%j mid-quiz (typed on Zalo) stops it politely',
    async (text) => {
      const q1 = await r.begin(QUIZ_A.id, ZALO);
      await r.press(rightValue(q1), ZALO);
      const replies = await r.send(text, ZALO);
      expect(replies).toEqual([
        { kind: 'notice', text: Q.ABANDONED, buttons: [{ label: Q.BTN_OTHER, value: QUIZ_LIST }] },
      ]);
      expect([...r.store.quiz_attempts.values()].map((a) => a.status)).toEqual(['abandoned']);
      expect(r.unanswered.entries).toEqual([]);
    },
  );

  it('with no quiz in progress just acknowledges it, and registers nobody', async () => {
    expect(await r.send('thôi')).toEqual([{ kind: 'notice', text: Q.NOTHING_TO_STOP }]);
    expect(r.citizenOf()).toBeUndefined();
    await r.begin(QUIZ_B.id);
    await r.send('dừng');
    expect(await r.send('thôi không làm nữa')).toEqual([{ kind: 'notice', text: Q.NOTHING_TO_STOP }]);
  });

  it('closes the profile form, but a name like "Dũng" or "Dung" typed at the name step stays a name', async () => {
    await r.press(startValue(QUIZ_A.id));
    expect((await r.press('reg:yes'))[0]?.text).toBe(R.ASK_NAME);
    expect((await r.send('Dũng'))[0]?.text).toBe(R.ASK_HAMLET);
    expect(r.citizenOf()?.profile.displayName).toBe('Dũng');
    await r.press('me:profile');
    await r.press('reg:yes');
    await r.send('Dung');
    expect(r.citizenOf()?.profile.displayName).toBe('Dung');
    expect(await r.send('thôi không làm nữa')).toEqual([{ kind: 'notice', text: Q.NOTHING_TO_STOP }]);
    // The form is closed: a later word is a question again, not the answer to a form step.
    expect((await r.send('Xóm Đông'))[0]?.text).not.toBe(R.ASK_GROUP);
  });
});

describe('one active attempt, restarts, stale presses', () => {
  it('starting another quiz mid-attempt asks to resume or quit; quitting frees the learner', async () => {
    const q1 = await r.begin(QUIZ_A.id);
    await r.press(rightValue(q1));
    const busy = await r.press(startValue(QUIZ_B.id));
    expect(busy[0]?.text).toBe(Q.busyWith(QUIZ_A.title, 1, 3));
    const quit = await r.send('Dừng bài đang làm');
    expect(quit[0]?.text).toBe(Q.ABANDONED);
    const b = last(await r.press(startValue(QUIZ_B.id)));
    expect(b.text).toBe(Q.questionText(QUIZ_B, 0));
    const statuses = [...r.store.quiz_attempts.values()].map((a) => `${a.quizId}:${a.status}`).sort();
    expect(statuses).toEqual([`${QUIZ_A.id}:abandoned`, `${QUIZ_B.id}:active`].sort());
  });

  it('resumes after a restart at the same question, same option order; the old button still answers', async () => {
    const q1 = await r.begin(QUIZ_A.id);
    const q2 = last(await r.press(wrongValue(q1)));
    r.restart();
    expect(await r.press(QUIZ_RESUME)).toEqual([q2]);
    r.restart();
    const replies = await r.press(rightValue(q2));
    expect(replies[0]?.text).toContain(Q.CORRECT);
    expect(last(replies).quiz?.index).toBe(2);
  });

  it('keeps the open form step across a restart', async () => {
    await r.press(startValue(QUIZ_A.id));
    await r.press('reg:yes');
    r.restart();
    const replies = await r.send('Cô Lan');
    expect(replies[0]?.text).toBe(R.ASK_HAMLET);
    expect(r.citizenOf()?.profile.displayName).toBe('Cô Lan');
  });

  it('a double tap changes nothing and says so; a redelivered final answer records no second pass', async () => {
    const q1 = await r.begin(QUIZ_B.id);
    const first = await r.press(rightValue(q1));
    const again = await r.press(rightValue(q1));
    expect(again).toEqual([{ kind: 'notice', text: Q.STALE_ANSWER }, last(first)]);
    const q2 = last(first);
    await r.press(rightValue(q2));
    const late = await r.press(rightValue(q2));
    expect(late[0]?.text).toBe(Q.ATTEMPT_CLOSED);
    expect(r.store.quiz_passes.size).toBe(1);
  });

  it.each(['quiz:a:x', 'quiz:zzz'])('a malformed value %j lists the quizzes and changes nothing', async (value) => {
    const q1 = await r.begin(QUIZ_A.id);
    const replies = await r.press(value);
    expect(texts(replies)).toContain(Q.UNKNOWN_QUIZ);
    expect(await r.press(QUIZ_RESUME)).toEqual([q1]);
  });

  it('an answer out of range (position 9) is refused, the question shown again', async () => {
    const q1 = await r.begin(QUIZ_A.id);
    const replies = await r.press(`quiz:a:${q1.quiz?.attemptId}:0:9`);
    expect(replies).toEqual([{ kind: 'notice', text: Q.INVALID_OPTION }, q1]);
  });
});

describe('completing the programme', () => {
  it('says 🏅 once, when the last core quiz is passed; a retake does not say it again', async () => {
    await r.finish(await r.begin(QUIZ_A.id));
    const b = await r.finish(await r.begin(QUIZ_B.id));
    expect(texts(b)).toContain(Q.PROGRAMME_DONE);
    expect(r.store.programme_completions.size).toBe(1);
    const again = await r.finish(await r.begin(QUIZ_B.id));
    expect(texts(again)).not.toContain('🏅');
    expect(r.store.quiz_passes.size).toBe(2);
    const [results] = await r.send('kết quả của tôi');
    expect(results?.text).toContain('🏅 Đã hoàn thành chương trình của xã.');
  });
});

describe('data rights', () => {
  it('"dữ liệu của tôi" shows what is stored', async () => {
    await r.finish(await r.begin(QUIZ_C.id));
    const [data] = await r.send('dữ liệu của tôi');
    expect(data?.text).toContain('Dữ liệu trợ lý đang lưu về bà con');
    expect(data?.text).toContain('Các kênh đã liên kết: web');
    expect(data?.text).toContain('Số bài kiểm tra đã đạt: 1');
    expect(data?.text).toContain('Đồng ý lưu thông tin: không');
  });

  it('"xóa dữ liệu của tôi" asks first; "Không xóa" keeps everything', async () => {
    await r.finish(await r.begin(QUIZ_C.id));
    const before = r.store.counts();
    expect((await r.send('xóa dữ liệu của tôi'))[0]?.text).toBe(R.DELETE_CONFIRM);
    expect(await r.send('Không xóa')).toEqual([{ kind: 'personal', text: R.NOT_DELETED }]);
    expect(r.store.counts()).toEqual(before);
  });

  it('confirmed, deletes the citizen, attempts, passes and the state of every linked identity', async () => {
    await r.finish(await r.begin(QUIZ_A.id));
    const [code] = await r.send('liên kết tài khoản');
    const linkCode = /: ([A-Z0-9]{8})\n/.exec(code?.text ?? '')?.[1] ?? '';
    expect((await r.send(`liên kết ${linkCode}`, TELEGRAM))[0]?.text).toBe(R.LINKED);
    await r.send('làm bài kiểm tra', TELEGRAM); // leaves offered buttons in Telegram's state
    expect(r.conversations.get(TELEGRAM)).toBeDefined();
    await r.send('xin chào', ZALO);
    const zaloState = r.conversations.get(ZALO);

    await r.send('xoa du lieu cua toi');
    expect(await r.send('Xóa hẳn dữ liệu')).toEqual([{ kind: 'personal', text: R.DELETED, forget: true }]);
    expect(r.store.counts()).toEqual({
      citizens: 0,
      citizen_identities: 0,
      link_codes: 0,
      quiz_attempts: 0,
      quiz_passes: 0,
      programme_completions: 0,
    });
    expect(r.conversations.get(WEB)).toBeUndefined();
    expect(r.conversations.get(TELEGRAM)).toBeUndefined();
    expect(r.conversations.get(ZALO)).toEqual(zaloState);
    // Back again, the learner is new: the consent notice shows before a quiz.
    expect((await r.press(startValue(QUIZ_A.id)))[0]?.text).toBe(R.CONSENT);
  });
});

describe('linking a second channel', () => {
  const codeFrom = async (): Promise<string> => {
    const [reply] = await r.send('liên kết tài khoản', WEB);
    const code = /Mã liên kết của bà con: ([A-Z0-9]{8})/.exec(reply?.text ?? '')?.[1];
    if (!code) throw new Error(`no code in ${reply?.text}`);
    return code;
  };

  it('a code made on the web and typed on Telegram merges the two learners’ results', async () => {
    await r.finish(await r.begin(QUIZ_A.id, WEB), () => 'right', WEB);
    await r.finish(await r.begin(QUIZ_B.id, TELEGRAM), () => 'right', TELEGRAM);
    expect(r.store.citizens.size).toBe(2);
    const code = await codeFrom();

    expect(await r.send(`liên kết ${code}`, TELEGRAM)).toEqual([{ kind: 'personal', text: R.LINKED }]);
    expect(r.store.citizens.size).toBe(1);
    const web = r.citizenOf(WEB);
    expect(r.citizenOf(TELEGRAM)?.id).toBe(web?.id);
    expect(passKeys().sort()).toEqual([`${web?.id}/${QUIZ_B.id}`, `${web?.id}/${QUIZ_A.id}`].sort());
    expect(r.store.programme_completions.has(web?.id ?? '')).toBe(true);

    const [results] = await r.send('kết quả', TELEGRAM);
    expect(results?.text).toContain(`✅ ${QUIZ_A.title}`);
    expect(results?.text).toContain(`✅ ${QUIZ_B.title}`);
    const [data] = await r.send('dữ liệu của tôi', WEB);
    // Both channels, in the order they first reached the assistant (same instant here: by name).
    expect(data?.text).toContain('Các kênh đã liên kết: telegram, web');
  });

  it('takes a code typed in two halves, in any case, on Zalo', async () => {
    await r.finish(await r.begin(QUIZ_A.id, WEB), () => 'right', WEB);
    const code = await codeFrom();
    const spaced = `${code.slice(0, 4).toLowerCase()} ${code.slice(4)}`;
    expect(await r.send(`Liên kết ${spaced}`, ZALO)).toEqual([{ kind: 'personal', text: R.LINKED }]);
    expect(r.citizenOf(ZALO)?.id).toBe(r.citizenOf(WEB)?.id);
  });

  it('refuses a wrong code, an expired one (16 minutes later) and a reused one', async () => {
    const code = await codeFrom();
    const wrong = code === 'ZZZZZZZZ' ? 'YYYYYYYY' : 'ZZZZZZZZ';
    expect(await r.send(`liên kết ${wrong}`, TELEGRAM)).toEqual([{ kind: 'personal', text: R.LINK_UNKNOWN }]);
    r.clock.set(new Date(r.clock.now().getTime() + 16 * 60_000).toISOString());
    expect(await r.send(`liên kết ${code}`, TELEGRAM)).toEqual([{ kind: 'personal', text: R.LINK_EXPIRED }]);

    const fresh = await codeFrom();
    expect(await r.send(`lien ket ${fresh.toLowerCase()}`, TELEGRAM)).toEqual([{ kind: 'personal', text: R.LINKED }]);
    expect(await r.send(`liên kết ${fresh}`, ZALO)).toEqual([{ kind: 'personal', text: R.LINK_EXPIRED }]);
    expect(r.citizenOf(ZALO)).toBeUndefined();
    expect(await r.send(`liên kết ${fresh}`, TELEGRAM)).toEqual([{ kind: 'personal', text: R.LINK_EXPIRED }]);
  });

  it('a code typed on the channel that made it says it is already linked', async () => {
    const code = await codeFrom();
    expect(await r.send(`liên kết ${code}`, WEB)).toEqual([{ kind: 'personal', text: R.LINK_SAME }]);
  });

  it('the conversation texts stay apart from the registry texts (no reply is empty)', async () => {
    const replies = await r.send('');
    expect(replies[0]?.text).toBe(C.EMPTY);
  });
});
