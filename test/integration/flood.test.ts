/**
 * A flood from one sender on the web, through the real server and engine, on
 * SQLite or PostgreSQL (test/testService.ts): after the burst every further
 * message gets the polite "please wait", nothing more reaches the unanswered
 * log, and another resident sending at the same moment is answered as usual.
 * Before the limits, one anonymous web client stored 1,959 questions in ten
 * seconds. (Telegram's flood: flood.telegram.test.ts.) The client's address
 * is the one the proxy saw (TRUST_PROXY, X-Forwarded-For): every request of
 * the test comes from the loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/channels/web/session.js';
import { fixedClock } from '../helpers.js';
import { testService, type TestService } from '../testService.js';

const BURST = 5;
const FLOOD = 60;
/** Not in the knowledge base: every one that reaches the engine is logged for staff. */
const MISS = 'giá vàng hôm nay bao nhiêu một chỉ';

describe('flood limits on the web', () => {
  let services: TestService;
  const unanswered = async (): Promise<number> => (await services.tables.rows('unanswered_questions')).length;

  beforeAll(async () => {
    services = await testService({
      env: {
        RATE_LIMIT_BURST: String(BURST),
        RATE_LIMIT_PER_MINUTE: '6',
        RATE_LIMIT_IP_PER_MINUTE: '20',
        TRUST_PROXY: 'true',
      },
      clock: fixedClock(), // time stands still: nothing refills during the flood
    });
  });

  afterAll(async () => {
    await services?.close();
  });

  async function post(text: string, cookie?: string, ip?: string) {
    const res = await services.request('/api/chat', {
      method: 'POST',
      body: JSON.stringify({ user: 'flood', text }),
      headers: {
        'content-type': 'application/json',
        // The address our proxy saw (the last hop it appended).
        'x-forwarded-for': ip ?? '203.0.113.1',
        ...(cookie !== undefined && { cookie }),
      },
    });
    const set = /^[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
    const body = (await res.json()) as { replies: { text: string }[]; message?: string };
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body, cookie: set };
  }

  it('web: one session gets the burst, then 429 with a polite message, and stores at most the burst', async () => {
    const before = await unanswered();
    const first = await post(MISS, undefined, '203.0.113.10');
    expect(first.status).toBe(200);
    expect(first.cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect((await unanswered()) - before).toBe(1); // the question is one staff would see
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
    expect((await unanswered()) - before).toBeLessThanOrEqual(BURST);

    // Another resident, elsewhere, at the same moment, is answered as usual.
    const other = await post('VNeID là gì?', undefined, '198.51.100.20');
    expect(other.status).toBe(200);
    expect(other.body.replies.map((r) => r.text).join('\n')).toContain('VNeID');
  });

  it('web: a client that drops its cookie every time is held by its address', async () => {
    const before = await unanswered();
    const statuses: number[] = [];
    for (let i = 0; i < FLOOD; i++) statuses.push((await post(`${MISS} lần ${i}`, undefined, '203.0.113.99')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    expect((await unanswered()) - before).toBeLessThanOrEqual(20);
    expect((await post('VNeID là gì?', undefined, '198.51.100.21')).status).toBe(200);
  });
});
