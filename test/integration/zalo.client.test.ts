/**
 * Every Zalo call through nock: sending, the profile, token refresh and what
 * each refusal does to the outbox. A token error refreshes once and retries
 * once; concurrent refreshes are one; the rotated refresh token is stored
 * before the new access token is used (so a crash right after keeps it);
 * -32 backs off and retries; -230 holds the reply until the resident writes
 * again; 5xx is retried a bounded number of times.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ZaloBadRequestError,
  ZaloNotFollowerError,
  ZaloOutOfWindowError,
  ZaloRateLimitError,
  ZaloTokenError,
  ZaloUnavailableError,
} from '../../src/channels/zalo/errors.js';
import { renderReplies } from '../../src/channels/zalo/render.js';
import { API_BASE, OAUTH_BASE, APP_ID, APP_SECRET, signed, textEvent } from '../fixtures/zalo.js';
import { ACCESS_0, nockRefresh, recordSends, REFRESH_0, zaloHarnessOn, type ZaloHarnessOn } from './zaloHarness.js';

const USER = '2468458835296197922';
const HOUR = 3_600_000;

describe('Zalo client, tokens and outbox', () => {
  let h: ZaloHarnessOn | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
    nock.cleanAll();
  });

  async function harness(opts: Parameters<typeof zaloHarnessOn>[0] = {}): Promise<ZaloHarnessOn> {
    h = await zaloHarnessOn(opts);
    return h;
  }

  /** The rows of `table` in the service's database (SQLite or PostgreSQL), those matching `where` when given. */
  async function countRows(
    z: ZaloHarnessOn,
    table: string,
    where: (row: Record<string, unknown>) => boolean = () => true,
  ) {
    return (await z.services.tables.rows(table)).filter(where).length;
  }

  const refusal = (error: number, message = 'refused') => ({ error, message });

  it('sends a text with the access_token header and reads the message id', async () => {
    const z = await harness();
    const scope = nock(API_BASE, { reqheaders: { access_token: ACCESS_0 } })
      .post('/v3.0/oa/message/cs', { recipient: { user_id: USER }, message: { text: 'Xin chào' } })
      .reply(200, { error: 0, message: 'Success', data: { message_id: 'abc', user_id: USER } });
    await expect(z.channel.client?.sendText(USER, 'Xin chào')).resolves.toEqual({ messageId: 'abc' });
    expect(scope.isDone()).toBe(true);
  });

  it('reads the display name from the profile call (data URL-encoded as JSON)', async () => {
    const z = await harness();
    nock(API_BASE, { reqheaders: { access_token: ACCESS_0 } })
      .get('/v3.0/oa/user/detail')
      .query({ data: `{"user_id":"${USER}"}` })
      .reply(200, { error: 0, data: { display_name: 'Nguyễn Văn A', user_is_follower: true, avatar: 'x' } });
    await expect(z.channel.client?.profile(USER)).resolves.toEqual({ displayName: 'Nguyễn Văn A', isFollower: true });
  });

  it('maps each negative error in an HTTP 200 to an error named by its cause', async () => {
    const z = await harness();
    const cases: [number, new (...a: never[]) => Error][] = [
      [-32, ZaloRateLimitError],
      [-230, ZaloOutOfWindowError],
      [-232, ZaloOutOfWindowError],
      [-320, ZaloOutOfWindowError],
      [-321, ZaloOutOfWindowError],
      [-213, ZaloNotFollowerError],
      [-201, ZaloBadRequestError],
      [-210, ZaloBadRequestError],
    ];
    for (const [code, type] of cases) {
      nock(API_BASE).post('/v3.0/oa/message/cs').reply(200, refusal(code));
      const err = await z.channel.client?.sendText(USER, 'x').catch((e: unknown) => e);
      expect(err, String(code)).toBeInstanceOf(type);
      expect((err as ZaloBadRequestError).code).toBe(code);
      expect(String(err)).not.toContain(ACCESS_0);
    }
    expect(nock.isDone()).toBe(true);
  });

  it('on -216 refreshes the token, stores the rotated pair, and retries the call once', async () => {
    const z = await harness();
    const first = nock(API_BASE, { reqheaders: { access_token: ACCESS_0 } })
      .post('/v3.0/oa/message/cs')
      .reply(200, refusal(-216, 'Access token is invalid'));
    const refresh = nock(OAUTH_BASE, { reqheaders: { secret_key: APP_SECRET } })
      .post('/v4/oa/access_token', { refresh_token: REFRESH_0, app_id: APP_ID, grant_type: 'refresh_token' })
      .reply(200, { access_token: 'access-1', refresh_token: 'refresh-1', expires_in: '90000' });
    const retried = nock(API_BASE, { reqheaders: { access_token: 'access-1' } })
      .post('/v3.0/oa/message/cs')
      .reply(200, { error: 0, data: { message_id: 'ok' } });
    await expect(z.channel.client?.sendText(USER, 'x')).resolves.toEqual({ messageId: 'ok' });
    expect(first.isDone() && refresh.isDone() && retried.isDone()).toBe(true);
    const t = await z.channel.store.tokens();
    expect(t).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    expect(t.expiresAt?.getTime()).toBe(z.clock.now().getTime() + 90_000_000);
  });

  it('on -220 does the same, and a second token error after the refresh is not retried again', async () => {
    const z = await harness();
    nock(API_BASE).post('/v3.0/oa/message/cs').reply(200, refusal(-220, 'Access token expired'));
    nockRefresh('access-1', 'refresh-1');
    nock(API_BASE).post('/v3.0/oa/message/cs').reply(200, refusal(-220, 'Access token expired'));
    const err = await z.channel.client?.sendText(USER, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZaloTokenError);
    expect(nock.isDone()).toBe(true);
  });

  it('accepts expires_in as a number too', async () => {
    const z = await harness({ tokens: false });
    await z.channel.store.setRefreshToken(REFRESH_0, z.clock.now());
    nock(OAUTH_BASE)
      .post('/v4/oa/access_token')
      .reply(200, { access_token: 'a', refresh_token: 'r', expires_in: 3600 });
    await z.channel.tokens?.refresh('test');
    expect((await z.channel.store.tokens()).expiresAt?.getTime()).toBe(z.clock.now().getTime() + 3_600_000);
  });

  it('collapses concurrent refreshes into one call', async () => {
    const z = await harness();
    const refresh = nockRefresh('access-1', 'refresh-1', { delayMs: 50 });
    const tokens = z.channel.tokens;
    if (!tokens) throw new Error('OA mode expected');
    const got = await Promise.all([tokens.refresh('a'), tokens.refresh('b'), tokens.renew(ACCESS_0)]);
    expect(got).toEqual(['access-1', 'access-1', 'access-1']);
    expect(refresh.isDone()).toBe(true);
    // Two sends rejected with the token in hand (kept since the refresh) at the same time: still one refresh.
    nock(API_BASE, { reqheaders: { access_token: 'access-1' } })
      .post('/v3.0/oa/message/cs')
      .times(2)
      .reply(200, refusal(-216));
    const again = nockRefresh('access-2', 'refresh-2', { delayMs: 50 });
    nock(API_BASE, { reqheaders: { access_token: 'access-2' } })
      .post('/v3.0/oa/message/cs')
      .times(2)
      .reply(200, { error: 0, data: {} });
    await Promise.all([z.channel.client?.sendText('u1', 'a'), z.channel.client?.sendText('u2', 'b')]);
    expect(again.isDone()).toBe(true);
    expect(nock.isDone()).toBe(true);
  });

  it('keeps the rotated refresh token when the process dies right after the refresh', async () => {
    const z = await harness();
    nock(API_BASE).post('/v3.0/oa/message/cs').reply(200, refusal(-216));
    nockRefresh('access-1', 'refresh-1');
    // The retried send never completes (simulated crash / connection loss after the refresh).
    nock(API_BASE)
      .post('/v3.0/oa/message/cs')
      .times(3)
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const err = await z.channel.client?.sendText(USER, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZaloUnavailableError);
    expect(await z.channel.store.tokens()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    // Read back through a fresh store, as the next process would; the database itself holds it sealed.
    const next = z.services.channelStores.zalo(APP_ID).state;
    expect((await next.tokens()).refreshToken).toBe('refresh-1');
    const rows = await z.services.committed.rows('zalo_tokens');
    expect(rows).toHaveLength(1);
    const row = rows[0] as { refresh_token: string };
    expect(row.refresh_token).toMatch(/^enc:v1:/);
    expect(row.refresh_token).not.toContain('refresh-1');
  });

  it('records a refused refresh as the last error, for cli zalo status', async () => {
    const z = await harness({ tokens: false });
    await z.channel.store.setRefreshToken('used-token', z.clock.now());
    nock(OAUTH_BASE).post('/v4/oa/access_token').reply(200, { error: -14014, error_name: 'Invalid refresh token' });
    await expect(z.channel.tokens?.refresh('test')).rejects.toBeInstanceOf(ZaloTokenError);
    expect((await z.channel.store.tokens()).lastError).toMatch(/-14014.*Invalid refresh token/);
  });

  it('takes the first refresh token from ZALO_REFRESH_TOKEN once, not again after it rotated', async () => {
    const z = await harness({ tokens: false, env: { ZALO_REFRESH_TOKEN: 'from-env' } });
    expect((await z.channel.store.tokens()).refreshToken).toBe('from-env');
    nockRefresh('access-1', 'refresh-1');
    await z.channel.tokens?.accessToken();
    await z.channel.start(); // a restart with the same (now spent) environment value
    expect((await z.channel.store.tokens()).refreshToken).toBe('refresh-1');
  });

  it('refreshes ahead of expiry on the background tick', async () => {
    const z = await harness();
    const refresh = nockRefresh('access-1', 'refresh-1');
    await z.channel.tick();
    expect(refresh.isDone()).toBe(false);
    z.clock.set(new Date(z.clock.now().getTime() + 24.7 * HOUR).toISOString());
    await z.channel.tick();
    expect(refresh.isDone()).toBe(true);
    expect((await z.channel.store.tokens()).accessToken).toBe('access-1');
  });

  it('retries a 5xx a bounded number of times, then succeeds or gives up as unavailable', async () => {
    const z = await harness();
    nock(API_BASE).post('/v3.0/oa/message/cs').times(2).reply(502, 'Bad Gateway');
    nock(API_BASE)
      .post('/v3.0/oa/message/cs')
      .reply(200, { error: 0, data: { message_id: 'third' } });
    await expect(z.channel.client?.sendText(USER, 'x')).resolves.toEqual({ messageId: 'third' });
    const failing = nock(API_BASE).post('/v3.0/oa/message/cs').times(3).reply(503, 'down');
    const extra = nock(API_BASE).post('/v3.0/oa/message/cs').reply(200, { error: 0, data: {} });
    const err = await z.channel.client?.sendText(USER, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZaloUnavailableError);
    expect((err as ZaloUnavailableError).code).toBe(503);
    expect(failing.isDone()).toBe(true);
    expect(extra.isDone()).toBe(false);
  });

  it('backs off on -32 and sends the reply on a later round', async () => {
    const z = await harness({ backoff: { baseMs: 2000, maxMs: 60_000, maxAttempts: 5 } });
    const { sent } = recordSends((_m, n) => (n === 1 ? refusal(-32, 'rate limit') : undefined));
    await z.deliver(signed(textEvent(USER, 'xin chào', z.clock.now())));
    expect(sent).toHaveLength(0);
    expect((await z.channel.store.counts()).pending).toBe(1);
    await z.channel.tick(); // not due yet
    expect(sent).toHaveLength(0);
    z.clock.set(new Date(z.clock.now().getTime() + 2001).toISOString());
    await z.channel.tick();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toMatch(/^Xin chào bà con!/);
    expect(await z.channel.store.counts()).toMatchObject({ pending: 0, sent: 1 });
  });

  it('pauses every resident’s sends after a -32, not only the one refused', async () => {
    const z = await harness({ backoff: { baseMs: 2000, maxMs: 60_000, maxAttempts: 5 } });
    const { sent } = recordSends((_m, n) => (n === 1 ? refusal(-32, 'rate limit') : undefined));
    await z.deliver(signed(textEvent('user-a', 'xin chào', z.clock.now())));
    await z.deliver(signed(textEvent('user-b', 'xin chào', z.clock.now())));
    expect(sent).toHaveLength(0);
    expect((await z.channel.store.counts()).pending).toBe(2);
    z.clock.set(new Date(z.clock.now().getTime() + 2001).toISOString());
    await z.channel.tick();
    expect(sent.map((s) => s.userId).sort()).toEqual(['user-a', 'user-b']);
  });

  it('holds a reply Zalo refuses with -230 and delivers it first when the resident writes again', async () => {
    const z = await harness();
    let refused = 0;
    const { sent } = recordSends((m) =>
      m.text.startsWith('Xin chào bà con') && refused++ === 0 ? refusal(-230) : undefined,
    );
    await z.deliver(signed(textEvent(USER, 'xin chào', z.clock.now())));
    expect(sent).toHaveLength(0);
    expect(await z.channel.store.counts()).toMatchObject({ held: 1, pending: 0 });
    await z.channel.tick(); // held replies are not retried on their own
    expect(sent).toHaveLength(0);
    await z.deliver(signed(textEvent(USER, 'cảm ơn', z.clock.now())));
    expect(sent.map((s) => s.text.slice(0, 16))).toEqual(['Xin chào bà con!', 'Dạ, không có gì ']);
    expect(await z.channel.store.counts()).toMatchObject({ held: 0, pending: 0, sent: 2 });
  });

  it('never sends a billed reply: outside the free window it waits without calling Zalo', async () => {
    const z = await harness();
    const { sent } = recordSends();
    // The resident last wrote 49 hours ago; a reply queued now (e.g. by staff later) must wait.
    await z.channel.store.touch(USER, new Date(z.clock.now().getTime() - 49 * HOUR));
    await z.enqueue(USER, [{ text: 'Trả lời muộn' }], z.clock.now());
    await z.channel.tick();
    expect(sent).toHaveLength(0);
    expect((await z.channel.store.counts()).held).toBe(1);
    expect(z.lines.some((l) => l.includes('outside free window'))).toBe(true);
  });

  it('sends within 7 days when billed messages are allowed', async () => {
    const z = await harness({ env: { ZALO_ALLOW_BILLED: 'true' } });
    const { sent } = recordSends();
    await z.channel.store.touch(USER, new Date(z.clock.now().getTime() - 49 * HOUR));
    await z.enqueue(USER, [{ text: 'Trả lời muộn' }], z.clock.now());
    await z.channel.tick();
    expect(sent.map((s) => s.text)).toEqual(['Trả lời muộn']);
    await z.channel.store.touch('old-user', new Date(z.clock.now().getTime() - 8 * 24 * HOUR));
    await z.enqueue('old-user', [{ text: 'Quá hạn' }], z.clock.now());
    await z.channel.tick();
    expect(sent).toHaveLength(1);
  });

  it('marks a resident inactive on -213 and keeps the reply for when they come back', async () => {
    const z = await harness();
    recordSends(() => refusal(-213, 'User has not followed OA'));
    await z.deliver(signed(textEvent(USER, 'xin chào', z.clock.now())));
    expect((await z.channel.store.resident(USER))?.inactive).toBe(true);
    expect((await z.channel.store.counts()).held).toBe(1);
    expect(await z.channel.store.inactiveResidents()).toBe(1);
  });

  it('gives up a bad request and goes on with the next message', async () => {
    const z = await harness();
    const { sent } = recordSends((m) => (m.text === 'hỏng' ? refusal(-201, 'invalid param') : undefined));
    await z.channel.store.touch(USER, z.clock.now());
    await z.enqueue(USER, [{ text: 'hỏng' }, { text: 'tốt' }], z.clock.now());
    await z.channel.tick();
    expect(sent.map((s) => s.text)).toEqual(['tốt']);
    expect(await z.channel.store.counts()).toMatchObject({ failed: 1, sent: 1 });
  });

  it('forgets handled events and sent or failed messages after 7 days, keeping held replies', async () => {
    const z = await harness();
    recordSends((m) => (m.text === 'hỏng' ? refusal(-201) : undefined));
    await z.deliver(signed(textEvent(USER, 'xin chào', z.clock.now(), 'old-msg')));
    await z.enqueue(USER, [{ text: 'hỏng' }], z.clock.now());
    await z.channel.tick();
    await z.enqueue('gone', [{ text: 'giữ lại' }], z.clock.now());
    await z.channel.store.holdAll('gone', 'outside free window', z.clock.now());
    expect(await z.channel.store.counts()).toMatchObject({ sent: 1, failed: 1, held: 1 });
    z.clock.set(new Date(z.clock.now().getTime() + 8 * 24 * HOUR).toISOString());
    await z.channel.tick();
    expect(await z.channel.store.counts()).toMatchObject({ sent: 0, failed: 0, held: 1 });
    expect(await countRows(z, 'zalo_events')).toBe(0);
  });

  it('splits a reply longer than 2,000 characters into well-formed messages', async () => {
    const z = await harness();
    const { sent } = recordSends();
    const long = Array.from({ length: 70 }, (_, i) => `Bước ${i + 1}: mở ứng dụng VNeID và làm theo hướng dẫn.`).join(
      ' ',
    );
    await z.channel.store.touch(USER, z.clock.now());
    await z.enqueue(USER, renderLong(long), z.clock.now());
    await z.channel.tick();
    expect(sent.length).toBeGreaterThan(1);
    for (const s of sent) {
      expect(s.text.length).toBeLessThanOrEqual(2000);
      expect(s.text).toMatch(/\.$/);
    }
    expect(sent.map((s) => s.text).join(' ')).toBe(long);
  });

  it('sends button templates when switched on, and falls back to the numbered text if refused', async () => {
    const z = await harness({ env: { ZALO_BUTTON_TEMPLATES: 'true' } });
    const bodies: Record<string, unknown>[] = [];
    nock(API_BASE)
      .post('/v3.0/oa/message/cs', (b: { message: Record<string, unknown> }) => {
        bodies.push(b.message);
        return true;
      })
      .reply(200, { error: 0, data: {} });
    await z.deliver(signed(textEvent(USER, 'làm bài kiểm tra', z.clock.now())));
    const pending = bodies.at(-1) as { text: string; attachment?: { payload: { buttons: unknown[] } } };
    // The quiz list has more than four quizzes: still numbered text.
    expect(pending.attachment).toBeUndefined();
    nock(API_BASE)
      .post('/v3.0/oa/message/cs', (b: { message: Record<string, unknown> }) => {
        bodies.push(b.message);
        return true;
      })
      .reply(200, { error: 0, data: {} });
    await z.deliver(signed(textEvent(USER, '1', z.clock.now())));
    const consent = bodies.at(-1) as { text: string; attachment?: { type: string; payload: { buttons: unknown[] } } };
    expect(consent.attachment).toEqual({
      type: 'template',
      payload: {
        buttons: [
          { title: '1. Đồng ý', type: 'oa.query.hide', payload: '1' },
          { title: '2. Bỏ qua', type: 'oa.query.hide', payload: '2' },
        ],
      },
    });
    // Refused template (-233 message type not supported): the same message goes as numbered text.
    nock(API_BASE).post('/v3.0/oa/message/cs').reply(200, refusal(-233, 'message type not supported'));
    nock(API_BASE)
      .post('/v3.0/oa/message/cs', (b: { message: Record<string, unknown> }) => {
        bodies.push(b.message);
        return true;
      })
      .reply(200, { error: 0, data: {} });
    const [withButtons] = renderReplies(
      [
        {
          kind: 'notice',
          text: 'Chọn:',
          buttons: [
            { label: 'Có', value: 'a' },
            { label: 'Không', value: 'b' },
          ],
        },
      ],
      { limit: 2000, buttonTemplates: true },
    );
    if (!withButtons?.template) throw new Error('template expected');
    await z.enqueue(USER, [withButtons], z.clock.now());
    await z.channel.tick();
    expect(bodies.at(-1)).toEqual({ text: 'Chọn:\n\n1. Có\n2. Không\n👉 Bà con gõ số 1 hoặc 2 để chọn.' });
    expect(nock.isDone()).toBe(true);
    expect(z.lines.some((l) => l.includes('ZALO_BUTTON_TEMPLATES=false'))).toBe(true);
    expect(await countRows(z, 'outbox', (r) => r.status === 'failed')).toBe(0);
  });
});

/** The outbox stores rendered messages: render as the channel does. */
function renderLong(text: string) {
  return renderReplies([{ kind: 'notice', text }], { limit: 2000, buttonTemplates: false });
}
