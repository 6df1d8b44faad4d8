/**
 * Handoff to commune staff on the web chat (issue 18 item 6), through the
 * real server as the page reaches it, on SQLite or PostgreSQL
 * (test/testService.ts): the menu offers a person, "gặp cán bộ"
 * opens a thread and says when someone answers (no hours made up), the
 * resident's messages land in the thread while the bot stays silent (one
 * acknowledgement), a staff reply reaches the page through its poll and
 * shows "sent" only once an answer carried it, a private note never reaches
 * the page, a reply asking for an OTP needs a second confirmation, and
 * "Xong" gives the conversation back to the bot. (The race where a thread
 * opens while a bot answer is being prepared: the turn runner contract,
 * test/contracts/turnRunner.contract.ts, and handoff.race.test.ts.)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/channels/web/session.js';
import { HANDOFF_ASK } from '../../src/core/handoff/intent.js';
import { ACKNOWLEDGED, BTN_ASK_PERSON, CLOSED, OFFER } from '../../src/core/handoff/texts.js';
import type { HandoffScope } from '../../src/core/stores/handoff.js';
import { fixedClock } from '../helpers.js';
import { testService, type TestService } from '../testService.js';

const COMMUNE: HandoffScope = { kind: 'commune' };

interface Body {
  replies: { text: string; buttons?: { label: string; value: string }[] }[];
  handoff?: boolean;
}

/** A browser's cookie jar over the app. */
class Page {
  cookie: string | undefined;
  constructor(private readonly app: Pick<TestService, 'request'>) {}

  private headers(): Record<string, string> {
    return this.cookie !== undefined ? { cookie: `${SESSION_COOKIE}=${this.cookie}` } : {};
  }

  private keep(res: Response): void {
    const value = new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get('set-cookie') ?? '')?.[1];
    if (value !== undefined) this.cookie = value;
  }

  async send(body: Record<string, unknown>): Promise<Body> {
    const res = await this.app.request('/api/chat', {
      method: 'POST',
      body: JSON.stringify({ user: 'page', ...body }),
      headers: { 'content-type': 'application/json', ...this.headers() },
    });
    expect(res.status).toBe(200);
    this.keep(res);
    return (await res.json()) as Body;
  }

  async poll(query = ''): Promise<{ status: number; body: Body }> {
    const res = await this.app.request(`/api/chat/pending${query}`, { headers: this.headers() });
    this.keep(res);
    return { status: res.status, body: (await res.json()) as Body };
  }

  /** The session id inside the signed cookie (the web's user id). */
  get sessionId(): string {
    return (this.cookie ?? '').split('.')[0] ?? '';
  }
}

describe('handoff on the web chat', () => {
  let services: TestService;
  let page: Page;
  const clock = fixedClock();

  // One database for the file; each case is a new visitor (its own session, its own thread).
  beforeAll(async () => {
    services = await testService({ clock });
  });

  beforeEach(() => {
    page = new Page(services);
  });

  afterAll(async () => {
    await services?.close();
  });

  /** The web's queued replies to a session, not yet carried by an answer. */
  const pendingFor = async (sessionId: string) =>
    (await services.tables.rows('outbox')).filter(
      (r) => r.channel === 'web' && r.user_id === sessionId && r.status === 'pending',
    );

  const texts = (b: Body): string[] => b.replies.map((r) => r.text);

  it('open → resident messages in the thread, bot silent → staff reply by poll → note unsent → "Xong"', async () => {
    const welcome = await page.send({ choice: 'menu:start' });
    expect(welcome.replies[0]?.buttons).toContainEqual({ label: BTN_ASK_PERSON, value: HANDOFF_ASK });

    const opened = await page.send({ text: 'gặp cán bộ' });
    expect(opened.handoff).toBe(true);
    expect(texts(opened).join('\n')).toMatch(/chuyển cuộc trò chuyện cho cán bộ xã/);
    // No hours are filled in the bundled commune.yaml: none are made up.
    expect(texts(opened).join('\n')).toMatch(/sớm nhất có thể trong giờ làm việc của xã/);
    expect(texts(opened).join('\n')).not.toMatch(/\d{1,2}\s*(?:h|giờ)\s*\d{0,2}/);
    const thread = await services.handoff.store.openThreadOf('web', page.sessionId);
    expect(thread).toMatchObject({ channel: 'web', reason: 'asked', status: 'open' });
    expect(thread?.hamletId).toBeUndefined();
    if (!thread) throw new Error('no thread');

    // The resident writes: one acknowledgement, then silence; every message is in the thread, in order.
    expect(texts(await page.send({ text: 'Tôi không đăng nhập được VNeID' }))).toEqual([ACKNOWLEDGED]);
    const second = await page.send({ text: 'quên mật khẩu VNeID thì làm sao?' });
    expect(second).toEqual({ replies: [], handoff: true });
    expect((await services.handoff.store.messages(thread.id, 0, 10)).map((m) => [m.author, m.text])).toEqual([
      ['resident', 'Tôi không đăng nhập được VNeID'],
      ['resident', 'quên mật khẩu VNeID thì làm sao?'],
    ]);

    // Staff reply: queued on the web's outbox, "sent" only once the page's poll carried it.
    const actions = services.handoff.actions;
    const reply = await actions.reply(thread.id, COMMUNE, 'staff-1', 'Bà con mang căn cước ra bộ phận một cửa nhé.', {
      confirmed: false,
    });
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    expect(reply.message).toMatchObject({ author: 'staff', delivery: 'pending' });
    await services.handoff.store.refreshDelivery(thread.id);
    expect((await services.handoff.store.messages(thread.id, 0, 10)).at(-1)?.delivery).toBe('pending');
    const note = await actions.note(thread.id, COMMUNE, 'staff-1', 'Bà này ở gần nhà văn hóa, gọi lại sau');
    expect(note.ok).toBe(true);

    const polled = await page.poll();
    expect(polled.status).toBe(200);
    expect(polled.body.handoff).toBe(true);
    expect(texts(polled.body)).toEqual(['👤 Cán bộ xã trả lời:\nBà con mang căn cước ra bộ phận một cửa nhé.']);
    await services.handoff.store.refreshDelivery(thread.id);
    const staff = (await services.handoff.store.messages(thread.id, 0, 10)).find((m) => m.author === 'staff');
    expect(staff?.delivery).toBe('sent');
    // The note never reaches the page; nothing is owed twice.
    expect((await page.poll()).body).toEqual({ replies: [], handoff: true });

    // "Xong": the page hears the bot is back, and the next question is answered by the bot.
    expect(await actions.close(thread.id, COMMUNE, 'staff-1')).toBe(true);
    const closed = await page.poll();
    expect(texts(closed.body)).toEqual([CLOSED]);
    expect(closed.body.handoff).toBeUndefined();
    const back = await page.send({ text: 'quên mật khẩu VNeID thì làm sao?' });
    expect(back.handoff).toBeUndefined();
    expect(back.replies.length).toBeGreaterThan(0);
    expect(
      (await services.handoff.store.messages(thread.id, 0, 20)).filter((m) => m.author === 'resident'),
    ).toHaveLength(2);
    expect(await actions.reply(thread.id, COMMUNE, 'staff-1', 'còn nữa', { confirmed: false })).toEqual({
      ok: false,
      error: 'closed',
    });
  });

  it('a reply asking for an OTP, a password or linking outside the allow-list needs a second confirmation', async () => {
    await page.send({ text: 'gap can bo' });
    const thread = await services.handoff.store.openThreadOf('web', page.sessionId);
    if (!thread) throw new Error('no thread');
    const actions = services.handoff.actions;
    const ask = (text: string, confirmed = false) => actions.reply(thread.id, COMMUNE, 's1', text, { confirmed });

    expect(await ask('Bà con đọc mã OTP cho tôi')).toEqual({ ok: false, needsConfirmation: ['otp'] });
    expect(await ask('Cho tôi mat khau VNeID')).toEqual({ ok: false, needsConfirmation: ['password'] });
    expect(await ask('Bà con vào http://vneid-capnhat.online')).toEqual({ ok: false, needsConfirmation: ['link'] });
    expect(await pendingFor(page.sessionId)).toHaveLength(0);
    expect(await services.handoff.store.messages(thread.id, 0, 10)).toHaveLength(0);

    expect((await ask('Bà con nộp hồ sơ tại https://dichvucong.gov.vn')).ok).toBe(true);
    expect((await ask('Không ai được hỏi mã OTP của bà con đâu ạ', true)).ok).toBe(true);
    expect(await pendingFor(page.sessionId)).toHaveLength(2);
    expect(await ask('   ')).toEqual({ ok: false, error: 'empty' });
    expect(await ask('x'.repeat(2001))).toEqual({ ok: false, error: 'too-long' });
  });

  it('a reply to a resident whose channel is switched off here is kept and shown as not delivered', async () => {
    const thread = await services.handoff.store.open({
      channel: 'zalo',
      userId: 'z-off',
      reason: 'asked',
      at: clock.now(),
    });
    const result = await services.handoff.actions.reply(thread.id, COMMUNE, 's1', 'Chào bà con', { confirmed: false });
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.message).toMatchObject({ author: 'staff', delivery: 'failed' });
    expect(result.message.outboxId).toBeUndefined();
    expect((await services.tables.rows('outbox')).filter((r) => r.user_id === 'z-off')).toHaveLength(0);
  });

  it('a hamlet team cannot act on a thread of the commune queue', async () => {
    await page.send({ text: 'cho tôi hỏi người thật' });
    const thread = await services.handoff.store.openThreadOf('web', page.sessionId);
    if (!thread) throw new Error('no thread');
    const team: HandoffScope = { kind: 'hamlet', hamletId: 'xom-1' };
    expect(await services.handoff.actions.reply(thread.id, team, 's2', 'chào bà con', { confirmed: false })).toEqual({
      ok: false,
      error: 'not-found',
    });
    expect(await services.handoff.actions.note(thread.id, team, 's2', 'ghi chú')).toEqual({
      ok: false,
      error: 'not-found',
    });
    expect(await services.handoff.actions.close(thread.id, team, 's2')).toBe(false);
    expect((await services.handoff.store.openThreadOf('web', page.sessionId))?.status).toBe('open');
  });

  it('offers a person after two unsure answers in a row, and accepting opens the thread', async () => {
    await page.send({ choice: 'menu:start' });
    const first = await page.send({ text: 'giá vàng hôm nay bao nhiêu' });
    expect(texts(first).join('\n')).not.toContain(OFFER);
    const second = await page.send({ text: 'xổ số miền bắc hôm qua về con gì' });
    const last = second.replies.at(-1);
    expect(last?.text).toContain(OFFER);
    const offer = last?.buttons?.find((b) => b.label === BTN_ASK_PERSON);
    expect(offer).toBeDefined();
    const accepted = await page.send({ choice: offer?.value });
    expect(accepted.handoff).toBe(true);
    expect((await services.handoff.store.openThreadOf('web', page.sessionId))?.reason).toBe('offered');
  });

  it('the poll: no cookie → nothing; a parameter → 400', async () => {
    expect(await page.poll()).toEqual({ status: 200, body: { replies: [] } });
    await page.send({ choice: 'menu:start' });
    expect((await page.poll('?after=3')).status).toBe(400);
  });
});
