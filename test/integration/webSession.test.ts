/**
 * Who a web visitor is, through the real server and engine, on SQLite or
 * PostgreSQL (test/testService.ts): the
 * server issues the session in a signed HttpOnly cookie, a body's `user`
 * names nobody (another visitor's data can be neither read nor deleted by
 * naming them), a forged or edited cookie is a new anonymous visitor, a link
 * code rotates the session, and the generated key survives a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_SECRET_NAME } from '../../src/channels/web/compose.js';
import { SESSION_COOKIE } from '../../src/channels/web/session.js';
import * as R from '../../src/core/registry/texts.js';
import { testService, type TestService } from '../testService.js';

type App = Pick<TestService, 'request'>;

interface ChatBody {
  replies: { text: string; buttons?: { label: string; value: string }[] }[];
}

/** A browser's worth of cookie handling: keeps the session cookie the server sets. */
class Visitor {
  cookie: string | undefined;
  lastSetCookie: string | null = null;
  constructor(
    private readonly app: () => App,
    private readonly headers: Record<string, string> = {},
  ) {}

  async send(body: Record<string, unknown>): Promise<{ status: number; json: ChatBody }> {
    const res = await this.app().request('/api/chat', {
      method: 'POST',
      // `user` is the API's client label, required and meaningless; tests below try it as an attack.
      body: JSON.stringify({ user: 'test-page', ...body }),
      headers: {
        'content-type': 'application/json',
        ...this.headers,
        ...(this.cookie !== undefined && { cookie: `${SESSION_COOKIE}=${this.cookie}` }),
      },
    });
    this.lastSetCookie = res.headers.get('set-cookie');
    const value = new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(this.lastSetCookie ?? '')?.[1];
    if (value !== undefined) this.cookie = value;
    return { status: res.status, json: (await res.json()) as ChatBody };
  }

  async say(text: string, extra: Record<string, unknown> = {}): Promise<string> {
    return (await this.send({ text, ...extra })).json.replies.map((r) => r.text).join('\n');
  }

  async press(choice: string, extra: Record<string, unknown> = {}): Promise<string> {
    return (await this.send({ choice, ...extra })).json.replies.map((r) => r.text).join('\n');
  }
}

const idOf = (cookie: string | undefined): string => (cookie ?? '').split('.')[0] ?? '';

describe('web sessions', () => {
  let svc: TestService;
  const current = (): App => svc;

  beforeAll(async () => {
    svc = await testService();
  });

  afterAll(async () => {
    await svc?.close();
  });

  it('answers a message sent again under its id with the same replies, acting on it once', async () => {
    // The page sends a message again under the same id when the stream broke or its answer never came.
    const v = new Visitor(current);
    await v.press('menu:start');
    const question = 'máy cày của tôi bị hỏng bugi thì sửa thế nào';
    const unanswered = async (): Promise<number> =>
      (await svc.tables.rows('unanswered_questions')).filter((r) => String(r.question).includes('bugi')).length;
    const first = await v.say(question, { id: 'msg-0001-aaaa' });
    expect(await unanswered()).toBe(1);
    const again = await v.say(question, { id: 'msg-0001-aaaa' });
    expect(again).toBe(first);
    expect(await unanswered()).toBe(1);
    // A new message with the same words is a new question.
    await v.say(question, { id: 'msg-0002-bbbb' });
    expect(await unanswered()).toBe(2);
  });

  it('refuses a message id that is not 8–64 letters, digits, "-" or "_", saying so', async () => {
    const res = await new Visitor(current).send({ text: 'xin chào', id: 'x y' });
    expect(res.status).toBe(400);
    expect((res.json as unknown as { details: string[] }).details.join('\n')).toContain('"id" chỉ gồm');
  });

  it('issues an HttpOnly, SameSite=Lax session cookie; Secure when the proxy says https', async () => {
    const v = new Visitor(current);
    await v.say('VNeID là gì?');
    expect(v.lastSetCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{24}\\.[A-Za-z0-9_-]{43};`));
    expect(v.lastSetCookie).toMatch(/; HttpOnly/);
    expect(v.lastSetCookie).toMatch(/; SameSite=Lax/);
    expect(v.lastSetCookie).toMatch(/; Path=\//);
    expect(v.lastSetCookie).not.toMatch(/; Secure/);
    const first = v.cookie;
    await v.say('cảm ơn');
    expect(v.cookie).toBe(first); // the same visitor keeps the same session

    const https = new Visitor(current, { 'x-forwarded-proto': 'https' });
    await https.say('VNeID là gì?');
    expect(https.lastSetCookie).toMatch(/; Secure/);
  });

  it("another visitor's data can be neither seen nor deleted by sending their user label or session id", async () => {
    const victim = new Visitor(current);
    await victim.send({ user: 'victim-label', choice: 'me:link' });
    expect(await victim.say('dữ liệu của tôi', { user: 'victim-label' })).toContain('Dữ liệu trợ lý đang lưu');
    const victimId = idOf(victim.cookie);

    for (const user of ['victim-label', victimId, `${victimId}.x`]) {
      const attacker = new Visitor(current);
      expect(await attacker.say('dữ liệu của tôi', { user })).toBe(R.NO_DATA);
      // Whatever the attacker's own deletion says, it is their own (empty) session it acts on.
      await attacker.say('xóa dữ liệu của tôi', { user });
      await attacker.press('me:delete:yes', { user });
    }
    expect(await victim.say('dữ liệu của tôi')).toContain('Dữ liệu trợ lý đang lưu');
  });

  it('a forged or edited cookie is a new anonymous visitor with a fresh cookie', async () => {
    const victim = new Visitor(current);
    await victim.press('me:link');
    const sealed = victim.cookie ?? '';
    const forged = [
      `${idOf(sealed)}.${'A'.repeat(43)}`,
      `${idOf(sealed)}`,
      sealed.slice(0, -1) + (sealed.endsWith('A') ? 'B' : 'A'),
      `${idOf(sealed)}.${(sealed.split('.')[1] ?? '').split('').reverse().join('')}`,
    ];
    for (const cookie of forged) {
      const attacker = new Visitor(current);
      attacker.cookie = cookie;
      expect(await attacker.say('dữ liệu của tôi')).toBe(R.NO_DATA);
      expect(idOf(attacker.cookie)).not.toBe(idOf(sealed));
    }
  });

  it('rotates the session when a link code joins it to a citizen; the old cookie reaches nobody', async () => {
    const code = /Mã liên kết của bà con: ([A-Z0-9]{8})/.exec(
      (await svc.engine.handle({ channel: 'telegram', userId: 'tg-rotate', choice: 'me:link' }))[0]?.text ?? '',
    )?.[1];
    expect(code).toBeDefined();
    const v = new Visitor(current);
    await v.say('giá vàng hôm nay bao nhiêu một chỉ'); // logged for staff, under this session
    const before = v.cookie;
    expect(await v.say(`liên kết ${code}`)).toBe(R.LINKED);
    expect(v.cookie).not.toBe(before);
    expect(idOf(v.cookie)).not.toBe(idOf(before));
    expect(await v.say('dữ liệu của tôi')).toMatch(/telegram, web|web, telegram/);
    // Everything the old id keyed moved with the person: nothing is left under it.
    const keyed = async (table: string, id: string) =>
      (await svc.tables.rows(table)).filter((r) => r.user_id === id).length;
    for (const table of ['citizen_identities', 'conversation_state', 'unanswered_questions']) {
      expect(await keyed(table, idOf(before)), table).toBe(0);
    }
    expect(await keyed('unanswered_questions', idOf(v.cookie))).toBe(1);

    const stale = new Visitor(current);
    stale.cookie = before;
    expect(await stale.say('dữ liệu của tôi')).toBe(R.NO_DATA);
  });

  it('keeps sessions across a restart: the generated key is stored in the database', async () => {
    const v = new Visitor(current);
    await v.press('me:link');
    const stored = (await svc.tables.rows('service_secrets')).filter((r) => r.name === SESSION_SECRET_NAME);
    expect(stored).toHaveLength(1);
    const again = await svc.another();
    const same = new Visitor(() => again);
    same.cookie = v.cookie;
    expect(await same.say('dữ liệu của tôi')).toContain('Dữ liệu trợ lý đang lưu');
  });

  it('uses SESSION_SECRET when set: a cookie sealed under the generated key proves nothing there', async () => {
    const v = new Visitor(current);
    await v.press('me:link');
    const other = await svc.another({ SESSION_SECRET: 'x'.repeat(40) });
    const moved = new Visitor(() => other);
    moved.cookie = v.cookie;
    expect(await moved.say('dữ liệu của tôi')).toBe(R.NO_DATA);
  });
});
