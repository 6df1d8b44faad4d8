/**
 * The engine itself turns away personal requests made in a group chat —
 * results, data, deletion, link codes and the profile form, whether pressed,
 * typed as words or picked by a typed number — with one pointer to the
 * private chat, and changes nothing. The same requests in a private chat (or
 * with no chat given, as on the web and Zalo) are answered as before.
 */
import { describe, expect, it } from 'vitest';
import { asksForPersonal, isPersonalChoice } from '../../../../src/core/conversation/privateOnly.js';
import { privateOnly } from '../../../../src/core/conversation/texts.js';
import type { IncomingMessage } from '../../../../src/core/messages.js';
import { QUIZ_LIST, startValue } from '../../../../src/core/quiz/feature.js';
import * as R from '../../../../src/core/registry/texts.js';
import { LearningRig, QUIZ_C, TELEGRAM } from '../../../fixtures/learning.js';

const REFUSAL = [{ kind: 'private-only', text: privateOnly() }];

const inGroup = (m: Omit<IncomingMessage, 'channel' | 'userId'>): IncomingMessage => ({
  ...TELEGRAM,
  ...m,
  chat: 'group',
});
const inPrivate = (m: Omit<IncomingMessage, 'channel' | 'userId'>): IncomingMessage => ({
  ...TELEGRAM,
  ...m,
  chat: 'private',
});

const PERSONAL_CHOICES = ['me:results', 'me:data', 'me:delete', 'me:delete:yes', 'me:link', 'me:profile', 'reg:yes'];
const PERSONAL_TEXTS = [
  'xem kết quả của tôi',
  'ket qua',
  'dữ liệu của tôi',
  'xóa dữ liệu của tôi',
  'liên kết tài khoản',
  'liên kết K7P2QX9M',
  '/lienket x6d9 99ya',
];

describe('personal requests in a group chat', () => {
  it.each(PERSONAL_CHOICES)('refuses the choice %s and changes nothing', async (choice) => {
    const r = new LearningRig();
    expect(await r.handle(inGroup({ choice }))).toEqual(REFUSAL);
    expect(r.citizenOf(TELEGRAM)).toBeUndefined();
    expect(r.conversations.get(TELEGRAM)).toBeUndefined();
  });

  it.each(PERSONAL_TEXTS)('refuses the typed request "%s"', async (text) => {
    const r = new LearningRig();
    expect(await r.handle(inGroup({ text }))).toEqual(REFUSAL);
    expect(r.citizenOf(TELEGRAM)).toBeUndefined();
  });

  it('refuses a number that picks a personal button offered in the private chat, which stays offered', async () => {
    const r = new LearningRig();
    const [menu] = await r.handle(inPrivate({ choice: 'menu:start' }));
    const position = (menu?.buttons ?? []).findIndex((b) => b.value === 'me:results') + 1;
    expect(position).toBeGreaterThan(0);
    expect(await r.handle(inGroup({ text: String(position) }))).toEqual(REFUSAL);
    expect((await r.handle(inPrivate({ text: String(position) })))[0]?.kind).toBe('personal');
  });

  it('never takes a line typed in a group as the name for a form opened in private', async () => {
    const r = new LearningRig();
    await r.handle(inPrivate({ choice: 'me:profile' }));
    await r.handle(inPrivate({ choice: 'reg:yes' }));
    const replies = await r.handle(inGroup({ text: 'Cô Lan' }));
    expect(replies.map((x) => x.kind)).not.toContain('form');
    expect(r.citizenOf(TELEGRAM)?.profile.displayName).toBeUndefined();
    // Back in private, the name step is still open.
    expect((await r.handle(inPrivate({ text: 'Cô Lan' })))[0]).toMatchObject({ kind: 'form', text: R.ASK_HAMLET });
    expect(r.citizenOf(TELEGRAM)?.profile.displayName).toBe('Cô Lan');
  });

  it('lets the group see the quiz list, decline the consent notice and take a quiz', async () => {
    const r = new LearningRig();
    expect((await r.handle(inGroup({ choice: QUIZ_LIST })))[0]?.kind).toBe('menu');
    expect((await r.handle(inGroup({ choice: startValue(QUIZ_C.id) })))[0]?.kind).toBe('form');
    const started = await r.handle(inGroup({ choice: 'reg:no' }));
    expect(started.map((x) => x.kind)).toEqual(['form', 'quiz-question']);
  });
});

describe('the same requests in a private chat', () => {
  it.each([...PERSONAL_CHOICES.filter((c) => c !== 'reg:yes' && c !== 'me:delete:yes')])(
    'answers the choice %s',
    async (choice) => {
      const r = new LearningRig();
      const replies = await r.handle(inPrivate({ choice }));
      expect(replies.map((x) => x.kind)).not.toContain('private-only');
      expect(replies[0]?.kind).toMatch(/^(personal|form)$/);
    },
  );

  it.each(PERSONAL_TEXTS)('answers the typed request "%s", also with no chat given', async (text) => {
    for (const message of [inPrivate({ text }), { ...TELEGRAM, text }]) {
      const r = new LearningRig();
      const replies = await r.handle(message);
      expect(replies.map((x) => x.kind)).not.toContain('private-only');
    }
  });
});

describe('what counts as personal', () => {
  it('every me: choice and the form answers, but not declining the consent notice nor quizzes', () => {
    for (const choice of [...PERSONAL_CHOICES, 'reg:skip', 'reg:h:xom-1', 'reg:g:nguoi-dan'])
      expect(isPersonalChoice(choice)).toBe(true);
    for (const choice of ['reg:no', QUIZ_LIST, 'quiz:go:x', 'gq:list', 'menu:help', 'faq:1'])
      expect(isPersonalChoice(choice)).toBe(false);
  });

  it('reads a typed request only when no choice was made', () => {
    expect(asksForPersonal('xóa dữ liệu của tôi', undefined, {})).toBe(true);
    expect(asksForPersonal('xóa dữ liệu của tôi', 'menu:help', {})).toBe(false);
    expect(asksForPersonal('định danh mức 2 làm ở đâu', undefined, {})).toBe(false);
  });
});
