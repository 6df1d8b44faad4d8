/**
 * A flood from one sender, on the web and on Telegram, through the real
 * engine and SQLite file: after the burst every further message gets the
 * polite "please wait" (or, on Telegram, one such message and then quiet),
 * nothing more reaches the unanswered log, and another resident sending at
 * the same moment is answered as usual. Before the limits, one anonymous
 * web client stored 1,959 questions in ten seconds.
 */
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/channels/web/session.js';
import type { Services } from '../../src/services.js';
import { fixedClock, readyServices, tempDir } from '../helpers.js';
import { FakeBotApi, Learner, testBot } from './telegramFixtures.js';
import { webChatApp } from './webFixtures.js';

const BURST = 5;
const FLOOD = 60;
/** Not in the knowledge base: every one that reaches the engine is logged for staff. */
const MISS = 'giá vàng hôm nay bao nhiêu một chỉ';

describe('flood limits', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: Services;
  let app: Hono;
  const unanswered = (): number =>
    (services.db.prepare('SELECT COUNT(*) AS n FROM unanswered_questions').get() as { n: number }).n;

  beforeAll(async () => {
    tmp = tempDir('hocvuso-flood-');
    services = await readyServices(
      {
        DATABASE_PATH: join(tmp.dir, 'hocvuso.db'),
        RATE_LIMIT_BURST: String(BURST),
        RATE_LIMIT_PER_MINUTE: '6',
        RATE_LIMIT_IP_PER_MINUTE: '20',
      },
      fixedClock(), // time stands still: nothing refills during the flood
    );
    app = webChatApp(services);
  });

  afterAll(() => {
    services?.close();
    tmp?.cleanup();
  });

  async function post(text: string, cookie?: string, ip?: string) {
    const res = await app.request(
      '/api/chat',
      {
        method: 'POST',
        body: JSON.stringify({ user: 'flood', text }),
        headers: { 'content-type': 'application/json', ...(cookie !== undefined && { cookie }) },
      },
      // The Node server's bindings, as @hono/node-server passes them: the peer's address.
      { incoming: { socket: { remoteAddress: ip ?? '203.0.113.1' } } },
    );
    const set = /^[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
    const body = (await res.json()) as { replies: { text: string }[]; message?: string };
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body, cookie: set };
  }

  it('web: one session gets the burst, then 429 with a polite message, and stores at most the burst', async () => {
    const before = unanswered();
    const first = await post(MISS, undefined, '203.0.113.10');
    expect(first.status).toBe(200);
    expect(first.cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(unanswered() - before).toBe(1); // the question is one staff would see
    const statuses = [first.status];
    let refused: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 1; i < FLOOD; i++) {
      const r = await post(`${MISS} ${i}`, first.cookie, '203.0.113.10');
      statuses.push(r.status);
      if (r.status === 429) refused ??= r;
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(BURST);
    expect(refused?.body.replies[0]?.text).toMatch(/^Bà con gửi hơi nhanh.*đợi khoảng \d+ giây/);
    expect(refused?.body.message).toBe(refused?.body.replies[0]?.text);
    expect(Number(refused?.retryAfter)).toBeGreaterThan(0);
    expect(unanswered() - before).toBeLessThanOrEqual(BURST);

    // Another resident, elsewhere, at the same moment, is answered as usual.
    const other = await post('VNeID là gì?', undefined, '198.51.100.20');
    expect(other.status).toBe(200);
    expect(other.body.replies.map((r) => r.text).join('\n')).toContain('VNeID');
  });

  it('web: a client that drops its cookie every time is held by its address', async () => {
    const before = unanswered();
    const statuses: number[] = [];
    for (let i = 0; i < FLOOD; i++) statuses.push((await post(`${MISS} lần ${i}`, undefined, '203.0.113.99')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    expect(unanswered() - before).toBeLessThanOrEqual(20);
    expect((await post('VNeID là gì?', undefined, '198.51.100.21')).status).toBe(200);
  });

  it('telegram: a user flood gets one "please wait", then silence; another user is answered', async () => {
    const api = new FakeBotApi();
    const bot = testBot(services, api, { rateLimit: services.limits.perIdentity });
    const flooder = new Learner(api, (u) => bot.handleUpdate(u), 9_900_001);
    const calm = new Learner(api, (u) => bot.handleUpdate(u), 9_900_002);
    const before = unanswered();
    for (let i = 0; i < FLOOD; i++) await flooder.say(`${MISS} ${i}`);
    const toFlooder = api.calls.filter((c) => c.method === 'sendMessage' && c.payload.chat_id === 9_900_001);
    const waits = toFlooder.filter((c) => String(c.payload.text).startsWith('Bà con gửi hơi nhanh'));
    expect(waits).toHaveLength(1);
    expect(toFlooder.length).toBeLessThanOrEqual(BURST * 3 + 1); // a few messages per answered turn at most
    expect(unanswered() - before).toBeLessThanOrEqual(BURST);

    await calm.say('VNeID là gì?');
    expect(calm.lastMessage().text).toContain('VNeID');
  });
});
