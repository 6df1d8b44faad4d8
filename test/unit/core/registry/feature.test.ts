/**
 * The citizen registry on its own, over the memory repos: typed intents and
 * link codes, the consent notice and the profile form (every step skippable,
 * bad input named), seeing and deleting one's data, and link codes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationState } from '../../../../src/core/ports.js';
import { newId } from '../../../../src/core/random.js';
import {
  createRegistryFeature,
  birthYearOf,
  intentOf,
  linkCodeIn,
  LINK_CODE_MINUTES,
  type RegistryFeature,
} from '../../../../src/core/registry/feature.js';
import * as T from '../../../../src/core/registry/texts.js';
import type { Citizen, CommuneInfo, Identity } from '../../../../src/core/registry/types.js';
import {
  MemoryAttemptRepo,
  MemoryCitizenRepo,
  MemoryConversationRepo,
  MemoryRegistryStore,
} from '../../../../src/storage/memory/index.js';
import { seededRandom } from '../../../fakes/random.js';
import { COMMUNE, QUIZ_A, TELEGRAM, values, WEB, ZALO } from '../../../fixtures/learning.js';
import { fixedClock } from '../../../helpers.js';

describe('intentOf', () => {
  it.each([
    ['làm bài kiểm tra', 'quiz:list'],
    ['Lam bai kiem tra', 'quiz:list'],
    ['/quiz', 'quiz:list'],
    ['trắc nghiệm', 'quiz:list'],
    ['kết quả của tôi', 'me:results'],
    ['xem ket qua', 'me:results'],
    ['xóa dữ liệu của tôi', 'me:delete'],
    ['Xoá dữ liệu của tôi!', 'me:delete'],
    ['xoa du lieu cua toi', 'me:delete'],
    ['xóa hết dữ liệu', 'me:delete'],
    ['dữ liệu của tôi', 'me:data'],
    ['xem thông tin của mình', 'me:data'],
    ['liên kết tài khoản', 'me:link'],
    ['/lienket', 'me:link'],
    ['thôi không làm nữa', 'quiz:stop'],
    ['Thôi, không làm nữa đâu', 'quiz:stop'],
    ['dừng', 'quiz:stop'],
    ['Dừng lại nhé', 'quiz:stop'],
    ['dung lai', 'quiz:stop'],
    ['Dung', 'quiz:stop'],
    ['thoi', 'quiz:stop'],
    ['ngừng làm bài', 'quiz:stop'],
    ['k lam nua', 'quiz:stop'],
  ])('%j → %s', (text, intent) => {
    expect(intentOf(text)).toBe(intent);
  });

  it.each([
    'làm sao để xóa dữ liệu VNeID?',
    'dữ liệu',
    'kiểm tra tài khoản ngân hàng',
    'kết quả xổ số hôm nay',
    'Dũng',
    'dùng',
    'Huy',
    'thôi rồi quên mật khẩu',
    'không làm được định danh',
  ])('leaves the question %j to the Q&A', (text) => {
    expect(intentOf(text)).toBeUndefined();
  });
});

describe("intentOf at the form's name step", () => {
  it('keeps "Dung" typed there a name, and still reads "dừng" or a whole sentence as stopping', () => {
    const state = { form: { step: 'name' } };
    expect(intentOf('Dung', state)).toBeUndefined();
    expect(intentOf('dừng', state)).toBe('quiz:stop');
    expect(intentOf('thôi không làm nữa', state)).toBe('quiz:stop');
    expect(intentOf('Dung', { form: { step: 'birthYear' } })).toBe('quiz:stop');
  });
});

describe('linkCodeIn', () => {
  it.each([
    ['liên kết K7P2QX9M', 'K7P2QX9M'],
    ['lien ket k7p2qx9m', 'K7P2QX9M'],
    ['Liên kết: K7P2QX9M', 'K7P2QX9M'],
    ['/lienket K7P2QX9M', 'K7P2QX9M'],
    ['mã liên kết K7P2QX9M', 'K7P2QX9M'],
    ['  liên kết   K7P2QX9M  ', 'K7P2QX9M'],
    ['liên kết X6D9 99YA', 'X6D999YA'],
    ['lien ket x6d9 99ya', 'X6D999YA'],
    ['Liên kết: x6d9-99yA', 'X6D999YA'],
    ['/lienket X6D9.99YA', 'X6D999YA'],
    ['liên kết X6D9  99YA', 'X6D999YA'],
  ])('%j → %s', (text, code) => {
    expect(linkCodeIn(text)).toBe(code);
  });

  it.each([
    'K7P2QX9M', // a bare eight-letter word could be anything ("THANKYOU"): a prefix is required
    'liên kết K7P2QX9', // too short
    'liên kết K7P2QX9MA', // too long
    'liên kết K7P2QX', // the six-character codes of old are gone
    'liên kết K0P2QX9M', // 0 is not in the code alphabet
    'lien ket tai khoan', // the command, typed without marks, is not a code
    'liên kết KIP2QX9M', // nor I
    'liên kết tài khoản',
    'lien ket',
  ])('finds no code in %j', (text) => {
    expect(linkCodeIn(text)).toBeUndefined();
  });
});

interface Rig {
  registry: RegistryFeature;
  store: MemoryRegistryStore;
  citizens: MemoryCitizenRepo;
  conversations: MemoryConversationRepo;
  clock: ReturnType<typeof fixedClock>;
  citizen(who?: Identity): Citizen;
}

function rig(commune: CommuneInfo = COMMUNE): Rig {
  const store = new MemoryRegistryStore();
  const citizens = new MemoryCitizenRepo(store, { coreQuizzes: commune.coreQuizzes });
  const attempts = new MemoryAttemptRepo(store);
  const conversations = new MemoryConversationRepo();
  const clock = fixedClock();
  const random = seededRandom(21);
  const registry = createRegistryFeature({ citizens, attempts, conversations, commune, random, clock });
  return {
    registry,
    store,
    citizens,
    conversations,
    clock,
    citizen: (who = WEB) => citizens.ensure(who, newId(random), clock.now()),
  };
}

let r: Rig;
beforeEach(() => {
  r = rig();
});

describe('consent and the profile form', () => {
  it('opens with the consent notice: what is stored, why, and that it can be skipped', () => {
    const state: ConversationState = {};
    const out = r.registry.startForm(state, 'quiz:go:x');
    expect(out.replies).toEqual([
      {
        kind: 'form',
        text: T.CONSENT,
        buttons: [
          { label: T.BTN_AGREE, value: 'reg:yes' },
          { label: T.BTN_SKIP_ALL, value: 'reg:no' },
        ],
      },
    ]);
    for (const word of ['tên gọi', 'xóm/khối', 'nhóm đối tượng', 'năm sinh', 'kết quả', 'bỏ qua', 'xóa']) {
      expect(T.CONSENT.toLowerCase()).toContain(word);
    }
    expect(state.form).toEqual({ step: 'consent', then: 'quiz:go:x' });
  });

  it('declining stores nothing personal, records the refusal and carries on with what was asked', async () => {
    const state: ConversationState = {};
    r.registry.startForm(state, 'quiz:go:x');
    const c = r.citizen();
    const out = await r.registry.onFormChoice(c, state, 'reg:no');
    expect(out).toEqual({ replies: [{ kind: 'form', text: T.FORM_SKIPPED }], next: 'quiz:go:x' });
    expect(state.form).toBeUndefined();
    expect(r.citizens.get(c.id)).toMatchObject({ consent: 'declined', profile: {} });
  });

  it('walks name → hamlet → group → birth year and saves each answer', async () => {
    const state: ConversationState = {};
    r.registry.startForm(state, 'quiz:go:x');
    const c = r.citizen();
    const toName = await r.registry.onFormChoice(c, state, 'reg:yes');
    expect(toName?.replies[0]?.text).toBe(T.ASK_NAME);
    expect(r.citizens.get(c.id)?.consent).toBe('given');

    const toHamlet = await r.registry.onFormText(c, state, '  Cô   Lan ');
    expect(toHamlet?.replies).toEqual([
      {
        kind: 'form',
        text: T.ASK_HAMLET,
        buttons: [
          { label: 'Xóm Đông', value: 'reg:h:xom-1' },
          { label: 'Xóm Tây', value: 'reg:h:xom-2' },
          { label: T.BTN_SKIP, value: 'reg:skip' },
        ],
      },
    ]);
    expect(r.citizens.get(c.id)?.profile).toEqual({ displayName: 'Cô Lan' });

    const fresh = (): Citizen => r.citizens.get(c.id) ?? c;
    const toGroup = await r.registry.onFormChoice(fresh(), state, 'reg:h:xom-2');
    expect(toGroup?.replies[0]?.text).toBe(T.ASK_GROUP);
    expect(values(toGroup?.replies[0]?.buttons)).toEqual(['reg:g:nguoi-dan', 'reg:g:hoc-sinh', 'reg:skip']);

    const toYear = await r.registry.onFormChoice(fresh(), state, 'reg:g:hoc-sinh');
    expect(toYear?.replies[0]?.text).toBe(T.ASK_BIRTH_YEAR);

    const done = await r.registry.onFormText(fresh(), state, '1975');
    expect(done).toEqual({ replies: [{ kind: 'form', text: T.FORM_DONE }], next: 'quiz:go:x' });
    expect(state.form).toBeUndefined();
    expect(r.citizens.get(c.id)?.profile).toEqual({
      displayName: 'Cô Lan',
      hamlet: 'xom-2',
      group: 'hoc-sinh',
      birthYear: 1975,
    });
  });

  it('lets every step be skipped and still stores nothing but the consent', async () => {
    const state: ConversationState = {};
    r.registry.startForm(state);
    const c = r.citizen();
    await r.registry.onFormChoice(c, state, 'reg:yes');
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const out = await r.registry.onFormChoice(c, state, 'reg:skip');
      seen.push(out?.replies[0]?.text ?? '');
    }
    expect(seen).toEqual([T.ASK_HAMLET, T.ASK_GROUP, T.ASK_BIRTH_YEAR, T.FORM_DONE]);
    expect(state.form).toBeUndefined();
    expect(r.citizens.get(c.id)).toMatchObject({ consent: 'given', profile: {} });
  });

  it('skips the hamlet step when the commune has not listed any hamlet', async () => {
    const x = rig({ ...COMMUNE, hamlets: [] });
    const state: ConversationState = {};
    x.registry.startForm(state);
    const c = x.citizen();
    await x.registry.onFormChoice(c, state, 'reg:yes');
    const out = await x.registry.onFormText(c, state, 'Bác Hùng');
    expect(out?.replies[0]?.text).toBe(T.ASK_GROUP);
  });

  it.each(['1899', '2999', 'abc', '23', '7', '19755', '2027'])(
    'refuses the birth year %j with a clear message, keeps the step and saves nothing',
    async (text) => {
      const state: ConversationState = { form: { step: 'birthYear' } };
      const c = r.citizen();
      const out = await r.registry.onFormText(c, state, text);
      expect(out?.replies.map((x) => x.text)).toEqual([T.BAD_BIRTH_YEAR, T.ASK_BIRTH_YEAR]);
      expect(T.BAD_BIRTH_YEAR).toContain('4 chữ số');
      expect(state.form).toEqual({ step: 'birthYear' });
      expect(r.citizens.get(c.id)?.profile.birthYear).toBeUndefined();
    },
  );

  it.each([
    ['57', 1957],
    ['sinh năm 57', 1957],
    ['năm 1948.', 1948],
    ['26', 1926],
    ['08', 2008],
    ['00', 2000],
    ['21', 2021],
  ])('reads the birth year %j as %i (two digits: 19xx for a plausible age, else 20xx)', async (text, year) => {
    const state: ConversationState = { form: { step: 'birthYear' } };
    const c = r.citizen();
    await r.registry.onFormText(c, state, text);
    expect(r.citizens.get(c.id)?.profile.birthYear).toBe(year);
  });

  it('reads two digits against the current year, not a fixed century split', () => {
    expect(birthYearOf('25', 2026)).toBeUndefined(); // 1925 is 101 years ago, 2025 last year
    expect(birthYearOf('25', 2040)).toBe(2025);
    expect(birthYearOf('30', 2040)).toBe(2030);
    expect(birthYearOf('45', 2040)).toBe(1945);
  });

  it.each(['1900', '2026'])('accepts the birth year %s (1900 to this year)', async (text) => {
    const state: ConversationState = { form: { step: 'birthYear' } };
    const c = r.citizen();
    await r.registry.onFormText(c, state, text);
    expect(r.citizens.get(c.id)?.profile.birthYear).toBe(Number(text));
  });

  it.each(['123', '!!!', 'x'.repeat(61)])('refuses the name %j and asks again', async (text) => {
    const state: ConversationState = { form: { step: 'name' } };
    const c = r.citizen();
    const out = await r.registry.onFormText(c, state, text);
    expect(out?.replies.map((x) => x.text)).toEqual([T.BAD_NAME, T.ASK_NAME]);
    expect(r.citizens.get(c.id)?.profile.displayName).toBeUndefined();
  });

  it('repeats the open step for an unknown hamlet or a button from an earlier step', async () => {
    const c = r.citizen();
    const atHamlet: ConversationState = { form: { step: 'hamlet' } };
    expect((await r.registry.onFormChoice(c, atHamlet, 'reg:h:xom-99'))?.replies[0]?.text).toBe(T.ASK_HAMLET);
    const atGroup: ConversationState = { form: { step: 'group' } };
    expect((await r.registry.onFormChoice(c, atGroup, 'reg:h:xom-1'))?.replies[0]?.text).toBe(T.ASK_GROUP);
    expect((await r.registry.onFormChoice(c, atGroup, 'reg:yes'))?.replies[0]?.text).toBe(T.ASK_GROUP);
    expect(r.citizens.get(c.id)?.profile).toEqual({});
  });

  it('leaves typed text at a button step to the Q&A, and reminds of the step', async () => {
    const state: ConversationState = { form: { step: 'hamlet' } };
    expect(await r.registry.onFormText(r.citizen(), state, 'Xóm Đông')).toBeUndefined();
    expect(r.registry.formReminder(state)?.text).toBe(T.ASK_HAMLET);
    expect(r.registry.formReminder({})).toBeUndefined();
  });

  it('ignores non-form choices and answers a stale form button after the form ended', async () => {
    const c = r.citizen();
    expect(await r.registry.onFormChoice(c, {}, 'quiz:list')).toBeUndefined();
    expect(await r.registry.onFormChoice(c, {}, 'reg:yes')).toEqual({
      replies: [{ kind: 'notice', text: T.FORM_CLOSED }],
    });
    expect(r.citizens.get(c.id)?.consent).toBe('unasked');
  });
});

describe('seeing and deleting one’s own data', () => {
  it('shows the stored profile by name, the channels, passes and consent', async () => {
    const c = r.citizen();
    r.citizens.update(
      c.id,
      { consent: 'given', profile: { displayName: 'Cô Lan', hamlet: 'xom-1', group: 'nguoi-dan', birthYear: 1970 } },
      r.clock.now(),
    );
    r.store.quiz_passes.set(`${c.id}\u0000${QUIZ_A.id}`, {
      citizenId: c.id,
      quizId: QUIZ_A.id,
      attemptId: 'a1',
      score: 1,
      passedAt: r.clock.now().toISOString(),
    });
    const out = await r.registry.onMeChoice(WEB, r.citizens.get(c.id), {}, 'me:data');
    const text = out?.replies[0]?.text ?? '';
    expect(text).toBe(
      T.dataView({
        name: 'Cô Lan',
        hamlet: 'Xóm Đông',
        group: 'Người dân',
        birthYear: 1970,
        channels: ['web'],
        passed: 1,
        consent: 'có',
      }),
    );
    expect(values(out?.replies[0]?.buttons)).toEqual(['me:profile', 'me:link', 'me:delete']);
  });

  it('shows no data for someone the registry does not know, but still offers to erase what they asked', async () => {
    expect((await r.registry.onMeChoice(WEB, undefined, {}, 'me:data'))?.replies).toEqual([
      { kind: 'personal', text: T.NO_DATA },
    ]);
    const state: ConversationState = {};
    const ask = await r.registry.onMeChoice(WEB, undefined, state, 'me:delete');
    expect(ask?.replies[0]?.text).toBe(T.DELETE_CONFIRM);
    const yes = await r.registry.onMeChoice(WEB, undefined, state, 'me:delete:yes');
    expect(yes?.replies).toEqual([{ kind: 'personal', text: T.DELETED, forget: true }]);
    expect(state).toEqual({});
  });

  it('asks for confirmation; "Không xóa" keeps everything', async () => {
    const c = r.citizen();
    const state: ConversationState = {};
    const ask = await r.registry.onMeChoice(WEB, c, state, 'me:delete');
    expect(ask?.replies).toEqual([
      {
        kind: 'personal',
        text: T.DELETE_CONFIRM,
        buttons: [
          { label: T.BTN_DELETE_YES, value: 'me:delete:yes' },
          { label: T.BTN_DELETE_NO, value: 'me:delete:no' },
        ],
      },
    ]);
    const no = await r.registry.onMeChoice(WEB, c, state, 'me:delete:no');
    expect(no?.replies).toEqual([{ kind: 'personal', text: T.NOT_DELETED }]);
    expect(r.citizens.get(c.id)).toBeDefined();
    // The confirmation is spent: a later "yes" on its own deletes nothing.
    const lateYes = await r.registry.onMeChoice(WEB, c, state, 'me:delete:yes');
    expect(lateYes?.replies).toEqual([{ kind: 'personal', text: T.NOT_DELETED }]);
    expect(r.citizens.get(c.id)).toBeDefined();
  });

  it('an old confirmation button pressed after ten minutes deletes nothing', async () => {
    const c = r.citizen();
    const state: ConversationState = {};
    await r.registry.onMeChoice(WEB, c, state, 'me:delete');
    r.clock.set(new Date(r.clock.now().getTime() + 11 * 60_000).toISOString());
    const lateYes = await r.registry.onMeChoice(WEB, c, state, 'me:delete:yes');
    expect(lateYes?.replies).toEqual([{ kind: 'personal', text: T.NOT_DELETED }]);
    expect(r.citizens.get(c.id)).toBeDefined();
  });

  it('after confirmation deletes the citizen, attempts, passes, codes and every linked conversation', async () => {
    const c = r.citizen(WEB);
    r.citizens.createLinkCode(c.id, 'ABCDEF', new Date(r.clock.now().getTime() + 60_000));
    r.citizens.redeemLinkCode('ABCDEF', TELEGRAM, r.clock.now());
    r.store.quiz_attempts.set('att-1', {
      id: 'att-1',
      citizenId: c.id,
      quizId: QUIZ_A.id,
      quizVersion: QUIZ_A.version,
      status: 'finished',
      current: 3,
      correct: 3,
      order: [],
      answers: [],
      startedAt: r.clock.now().toISOString(),
      score: 1,
      passed: true,
    });
    r.store.quiz_passes.set(`${c.id}\u0000${QUIZ_A.id}`, {
      citizenId: c.id,
      quizId: QUIZ_A.id,
      attemptId: 'att-1',
      score: 1,
      passedAt: r.clock.now().toISOString(),
    });
    const other = r.citizen(ZALO);
    r.conversations.set(TELEGRAM, { form: { step: 'name' } });
    r.conversations.set(ZALO, { unsureStreak: 1 });

    const state: ConversationState = { offered: [], unsureStreak: 2 };
    await r.registry.onMeChoice(WEB, c, state, 'me:delete');
    const yes = await r.registry.onMeChoice(WEB, c, state, 'me:delete:yes');
    expect(yes?.replies).toEqual([{ kind: 'personal', text: T.DELETED, forget: true }]);
    expect(state).toEqual({});
    expect(r.store.counts()).toEqual({
      citizens: 1,
      citizen_identities: 1,
      link_codes: 0,
      quiz_attempts: 0,
      quiz_passes: 0,
      programme_completions: 0,
    });
    expect(r.citizens.get(other.id)).toBeDefined();
    expect(r.conversations.get(TELEGRAM)).toBeUndefined();
    expect(r.conversations.get(ZALO)).toEqual({ unsureStreak: 1 });
  });
});

describe('link codes', () => {
  const codeOf = (text: string | undefined): string =>
    /Mã liên kết của bà con: ([A-Z0-9]{8})/.exec(text ?? '')?.[1] ?? '';

  it('creates a one-time code valid for 15 minutes, creating the citizen if needed', async () => {
    const out = await r.registry.onMeChoice(WEB, undefined, {}, 'me:link');
    const code = codeOf(out?.replies[0]?.text);
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    expect(out?.replies[0]?.text).toBe(T.linkCode(code, LINK_CODE_MINUTES));
    const owner = r.citizens.findByIdentity(WEB);
    expect(r.store.link_codes.get(code)).toEqual({
      citizenId: owner?.id,
      expiresAt: new Date(r.clock.now().getTime() + 15 * 60_000).toISOString(),
    });
  });

  it('joins the other channel to the same citizen; wrong, reused and own codes are refused', async () => {
    const c = r.citizen(WEB);
    const code = codeOf((await r.registry.onMeChoice(WEB, c, {}, 'me:link'))?.replies[0]?.text);
    expect(await r.registry.redeem(WEB, code)).toEqual([{ kind: 'personal', text: T.LINK_SAME }]);
    expect(await r.registry.redeem(TELEGRAM, 'ZZZZZZ')).toEqual([{ kind: 'personal', text: T.LINK_UNKNOWN }]);
    expect(await r.registry.redeem(TELEGRAM, code)).toEqual([{ kind: 'personal', text: T.LINKED }]);
    expect(r.citizens.findByIdentity(TELEGRAM)?.id).toBe(c.id);
    expect(await r.registry.redeem(ZALO, code)).toEqual([{ kind: 'personal', text: T.LINK_EXPIRED }]);
    expect(r.citizens.findByIdentity(ZALO)).toBeUndefined();
  });

  it('refuses a code after 15 minutes', async () => {
    const c = r.citizen(WEB);
    const code = codeOf((await r.registry.onMeChoice(WEB, c, {}, 'me:link'))?.replies[0]?.text);
    r.clock.set(new Date(r.clock.now().getTime() + 16 * 60_000).toISOString());
    expect(await r.registry.redeem(TELEGRAM, code)).toEqual([{ kind: 'personal', text: T.LINK_EXPIRED }]);
    expect(r.citizens.findByIdentity(TELEGRAM)).toBeUndefined();
  });

  it('a new code replaces the citizen’s previous unused one', async () => {
    const c = r.citizen(WEB);
    const first = codeOf((await r.registry.onMeChoice(WEB, c, {}, 'me:link'))?.replies[0]?.text);
    const second = codeOf((await r.registry.onMeChoice(WEB, c, {}, 'me:link'))?.replies[0]?.text);
    expect(second).not.toBe(first);
    expect(await r.registry.redeem(TELEGRAM, first)).toEqual([{ kind: 'personal', text: T.LINK_UNKNOWN }]);
    expect(await r.registry.redeem(TELEGRAM, second)).toEqual([{ kind: 'personal', text: T.LINKED }]);
  });

  it('leaves other me: choices alone', async () => {
    expect(await r.registry.onMeChoice(WEB, undefined, {}, 'me:results')).toBeUndefined();
  });
});
