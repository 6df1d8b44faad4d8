/**
 * A resident's whole journey on Zalo, through signed webhook deliveries, the
 * real engine on SQLite or PostgreSQL (zaloHarness.ts `zaloHarnessOn`): follow → welcome menu as numbered
 * choices → pick the quiz by typing its number → consent and the short
 * profile form by typing → every question answered by typing the number of
 * the right option (read from the numbered list the resident saw) → pass,
 * recorded exactly once even when Zalo redelivers the last answer. Then the
 * link code joins the Zalo identity to the same citizen on another channel.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_BASE,
  followEvent,
  numberedOptions,
  rightNumber,
  signed,
  textEvent,
  type SignedDelivery,
} from '../fixtures/zalo.js';
import { recordSends, zaloHarnessOn, type SentMessage, type ZaloHarnessOn } from './zaloHarness.js';

const USER = '2468458835296197922';

describe('Zalo: follow → register → quiz with typed answers → pass', () => {
  let h: ZaloHarnessOn;
  const passes = async (quizId?: string) =>
    (await h.services.tables.rows('quiz_passes')).filter((r) => quizId === undefined || r.quiz_id === quizId).length;
  let sent: SentMessage[];

  beforeAll(async () => {
    h = await zaloHarnessOn();
    sent = recordSends().sent;
    nock(API_BASE)
      .get('/v3.0/oa/user/detail')
      .query({ data: JSON.stringify({ user_id: USER }) })
      .reply(200, { error: 0, message: 'Success', data: { display_name: 'Lan', user_is_follower: true } });
  });

  afterAll(async () => {
    await h?.close();
    nock.cleanAll();
  });

  /** Sends one delivery and returns the messages it produced. */
  async function turn(d: SignedDelivery): Promise<string[]> {
    const before = sent.length;
    const res = await h.deliver(d);
    expect(res.status).toBe(200);
    return sent.slice(before).map((s) => s.text);
  }
  const say = (text: string, msgId?: string) => turn(signed(textEvent(USER, text, h.clock.now(), msgId)));

  it('completes the whole journey and records the pass once', async () => {
    const welcome = await turn(signed(followEvent(USER, h.clock.now())));
    expect(welcome).toHaveLength(1);
    expect(welcome[0]).toMatch(/^Xin chào Lan!/);
    const menu = numberedOptions(welcome[0] ?? '');
    expect(menu[0]).toBe('Làm bài kiểm tra');
    expect(menu).toContain('Kết quả của tôi');

    const list = await say('1');
    const firstQuiz = h.services.quizzes.list()[0];
    if (!firstQuiz) throw new Error('no quiz bank loaded');
    expect(numberedOptions(list.at(-1) ?? '')[0]).toBe(firstQuiz.title);

    const consent = await say('1');
    expect(consent.at(-1)).toMatch(/1\. Đồng ý\n2\. Bỏ qua\n👉 Bà con gõ số 1 hoặc 2 để chọn\.$/);

    const askName = await say('1');
    expect(askName.at(-1)).toMatch(/gọi mình là gì/);
    const askGroup = await say('Cô Lan');
    const groups = numberedOptions(askGroup.at(-1) ?? '');
    const adults = groups.findIndex((g) => g.startsWith('Người dân'));
    expect(adults).toBeGreaterThanOrEqual(0);
    const askYear = await say(String(adults + 1));
    expect(askYear.at(-1)).toMatch(/sinh năm nào/);

    let shown = await say('1975');
    expect(shown.join('\n')).toMatch(/Cảm ơn bà con! Thông tin đã được lưu\./);
    let lastAnswerId = '';
    for (let i = 0; i < firstQuiz.questions.length; i++) {
      const question = shown.at(-1) ?? '';
      expect(question).toContain(`Câu ${i + 1}/${firstQuiz.questions.length}`);
      lastAnswerId = `answer-${i}`;
      shown = await say(String(rightNumber(firstQuiz, question)), lastAnswerId);
      expect(shown[0]).toMatch(/^✅ Chính xác!/);
    }
    expect(shown.join('\n')).toMatch(/Chúc mừng, bà con đã đạt bài/);

    const citizen = await h.services.citizens.findByIdentity({ channel: 'zalo', userId: USER });
    expect(citizen?.profile).toMatchObject({ displayName: 'Cô Lan', group: 'nguoi-dan', birthYear: 1975 });
    expect(await passes(firstQuiz.id)).toBe(1);

    // Zalo redelivers the last answer: acknowledged, nothing sent, nothing recorded again.
    const again = await turn(signed(textEvent(USER, '1', h.clock.now(), lastAnswerId)));
    expect(again).toEqual([]);
    expect(await passes()).toBe(1);

    // Results, typed as a sentence.
    const results = await say('kết quả của tôi');
    expect(results.join('\n')).toContain(`✅ ${firstQuiz.title}: đã đạt`);
    expect(await h.channel.store.counts()).toMatchObject({ pending: 0, held: 0, failed: 0 });
  });

  it('joins the Zalo identity to a citizen from another channel with a typed link code', async () => {
    const web = await h.services.engine.handle({ channel: 'web', userId: 'web-1', choice: 'me:link' });
    const code = /Mã liên kết của bà con: ([A-Z0-9]{8})/.exec(web[0]?.text ?? '')?.[1];
    expect(code).toBeDefined();
    const linked = await say(`liên kết ${code ?? ''}`);
    expect(linked.join('\n')).toMatch(/Đã liên kết thành công/);
    const zaloCitizen = await h.services.citizens.findByIdentity({ channel: 'zalo', userId: USER });
    const webCitizen = await h.services.citizens.findByIdentity({ channel: 'web', userId: 'web-1' });
    expect(zaloCitizen?.id).toBe(webCitizen?.id);
    expect(await passes()).toBe(1);
  });
});
