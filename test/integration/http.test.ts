/**
 * The HTTP application over the real engine, on SQLite or PostgreSQL
 * (test/testService.ts): the chat page and its security headers, the health
 * check, and `POST /api/chat` with good, bad and odd input. Whatever a
 * browser or a script sends, the answer is JSON with a stable shape. The
 * failure answers (503, 500) are the app's own, checked in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWebAssets } from '../../src/channels/web/assets.js';
import { createApp } from '../../src/http/app.js';
import { memoryLogger } from '../helpers.js';
import { testService, type TestService } from '../testService.js';

interface Reply {
  text: string;
  buttons?: { label: string; value: string }[];
}
interface ChatBody {
  replies: Reply[];
}
interface ProblemBody {
  error: string;
  message: string;
  details?: string[];
}

describe('HTTP app', () => {
  let svc: TestService;
  let lines: string[];
  let MAX_BODY_BYTES: number;

  beforeAll(async () => {
    svc = await testService();
    MAX_BODY_BYTES = svc.config.MAX_BODY_BYTES;
    lines = svc.logLines;
  });

  afterAll(async () => {
    await svc?.close();
  });

  const app = { request: (path: string, init?: RequestInit) => svc.request(path, init) };

  /** Session cookies by the body's `user` label, so one label is one browser (the label itself names nobody). */
  const jar = new Map<string, string>();

  /** Posts `body`; `streamed` sends it in chunks without a Content-Length. */
  async function postRaw(body: string, headers: Record<string, string> = {}, streamed = false): Promise<Response> {
    let label: string | undefined;
    try {
      const parsed = JSON.parse(body) as { user?: unknown };
      if (typeof parsed.user === 'string') label = parsed.user;
    } catch {
      // Malformed on purpose: sent without a cookie.
    }
    const cookie = label !== undefined ? jar.get(label) : undefined;
    const res = await app.request('/api/chat', {
      method: 'POST',
      body: streamed ? chunks(body) : body,
      ...(streamed && { duplex: 'half' }),
      headers: { 'content-type': 'application/json', ...(cookie !== undefined && { cookie }), ...headers },
    });
    const set = /^[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
    if (label !== undefined && set !== undefined) jar.set(label, set);
    return res;
  }

  async function chat(body: Record<string, unknown>): Promise<ChatBody> {
    const res = await postRaw(JSON.stringify(body));
    expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const json = (await res.json()) as ChatBody;
    expectWellFormed(json);
    return json;
  }

  function expectWellFormed(json: ChatBody): void {
    expect(Array.isArray(json.replies)).toBe(true);
    expect(json.replies.length).toBeGreaterThan(0);
    for (const r of json.replies) {
      expect(typeof r.text).toBe('string');
      expect(r.text.trim()).not.toBe('');
      if (r.buttons !== undefined) {
        expect(r.buttons.length).toBeGreaterThan(0);
        for (const b of r.buttons) {
          expect(typeof b.label).toBe('string');
          expect(typeof b.value).toBe('string');
        }
      }
    }
  }

  async function problem(res: Response, status: number): Promise<ProblemBody> {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const json = (await res.json()) as ProblemBody;
    expect(typeof json.error).toBe('string');
    expect(json.message.trim()).not.toBe('');
    return json;
  }

  describe('page and health', () => {
    it('GET / serves the chat page with a Content-Security-Policy', async () => {
      const res = await app.request('/');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      expect(html).toMatch(/<html/i);
      // Relative to the page's folder, so a commune's page at /x/<commune>/ loads its own (pgServer.ts).
      expect(html).toContain('src="assets/chat.js"');
    });

    it('serves the script and style with their content types', async () => {
      const js = await app.request('/assets/chat.js');
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect((await js.text()).length).toBeGreaterThan(0);
      const css = await app.request('/assets/chat.css');
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    });

    it('GET /healthz is 200 {status: ok} while the database answers', async () => {
      const res = await app.request('/healthz');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    });

    it('GET /healthz is 503 when the health check fails', async () => {
      const down = createApp({
        chat: () => Promise.reject(new Error('not reached')),
        healthy: () => false,
        assets: loadWebAssets(),
        logger: memoryLogger().logger,
        maxBodyBytes: MAX_BODY_BYTES,
      });
      const res = await down.request('/healthz');
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string };
      expect(body.status).not.toBe('ok');
    });

    it('answers an unknown path with a 404 JSON problem', async () => {
      const json = await problem(await app.request('/no/such/page'), 404);
      expect(json.error).toBe('not_found');
      await problem(await app.request('/api/chat'), 404); // GET on a POST-only route
    });
  });

  describe('POST /api/chat', () => {
    it('answers a VNeID question with its source', async () => {
      const json = await chat({ user: 'u1', text: 'VNeID là gì?' });
      const text = json.replies.map((r) => r.text).join('\n');
      expect(text).toContain('Nguồn');
      expect(text).toContain('VNeID');
    });

    it('accepts a button value from a reply sent back as a choice', async () => {
      const start = await chat({ user: 'u-buttons', text: 'VNeID là gì?' });
      const button = start.replies.flatMap((r) => r.buttons ?? []).find((b) => b.value.startsWith('faq:'));
      expect(button).toBeDefined();
      const pressed = await chat({ user: 'u-buttons', choice: button!.value });
      const reply = pressed.replies[0]!;
      expect(reply.text).not.toMatch(/không còn dùng được/);
      expect(reply.text).toContain('Nguồn');
      expect(reply.text.startsWith(button!.label.replace(/…$/, ''))).toBe(true);
    });

    it('walks the menu: empty text → topic buttons → question buttons → answer', async () => {
      const empty = await chat({ user: 'u-menu', text: '' });
      const topic = empty.replies.at(-1)?.buttons?.find((b) => b.value === 'menu:vneid');
      expect(topic).toBeDefined();
      const questions = await chat({ user: 'u-menu', choice: topic!.value });
      const faq = questions.replies.at(-1)?.buttons?.[0];
      expect(faq?.value).toMatch(/^faq:/);
      const answer = await chat({ user: 'u-menu', choice: faq!.value });
      expect(answer.replies[0]?.text).toContain('Nguồn');
      // Typing the number of a button works like pressing it.
      const again = await chat({ user: 'u-menu', choice: topic!.value });
      const second = again.replies.at(-1)?.buttons?.[1];
      const byNumber = await chat({ user: 'u-menu', text: '2' });
      expect(byNumber.replies[0]?.text.startsWith(second!.label.replace(/…$/, ''))).toBe(true);
    });

    it('rejects malformed JSON with 400 invalid_json', async () => {
      for (const body of ['{"user": "u1", "text": ', 'not json', '']) {
        const json = await problem(await postRaw(body), 400);
        expect(json.error).toBe('invalid_json');
      }
    });

    it.each<[string, unknown, RegExp]>([
      ['missing user', { text: 'VNeID là gì?' }, /user/],
      ['empty user', { user: '   ', text: 'x' }, /user/],
      ['user not a string', { user: 42, text: 'x' }, /user/],
      ['text not a string', { user: 'u1', text: 123 }, /text/],
      ['choice not a string', { user: 'u1', choice: ['a'] }, /choice/],
      ['unknown field', { user: 'u1', text: 'x', admin: true }, /admin/],
      ['not an object', ['u1', 'x'], /object/],
      ['null', null, /object/],
      ['user too long', { user: 'u'.repeat(129), text: 'x' }, /user/],
    ])('rejects %s with 400 and details', async (_name, body, detail) => {
      const json = await problem(await postRaw(JSON.stringify(body)), 400);
      expect(json.error).toBe('invalid_request');
      expect(json.details?.length).toBeGreaterThan(0);
      expect(json.details?.join(' ')).toMatch(detail);
    });

    it('rejects a body over MAX_BODY_BYTES with 413, with or without Content-Length', async () => {
      const big = JSON.stringify({ user: 'u1', text: 'a'.repeat(MAX_BODY_BYTES + 10) });
      const declared = await problem(await postRaw(big, { 'content-length': String(Buffer.byteLength(big)) }), 413);
      expect(declared.error).toBe('too_large');
      expect(declared.message).toContain(String(MAX_BODY_BYTES));
      const streamed = await problem(await postRaw(big, {}, true), 413);
      expect(streamed.error).toBe('too_large');
    });

    it('accepts a body just under MAX_BODY_BYTES', async () => {
      // "ế" is one UTF-16 unit (the schema allows 20,000) and three UTF-8 bytes (the body limit counts bytes).
      const text = 'ế'.repeat(Math.min(20_000, Math.floor((MAX_BODY_BYTES - 100) / 3)));
      const body = JSON.stringify({ user: 'u-size', text });
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
      expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_BODY_BYTES * 0.9);
      const res = await postRaw(body);
      expect(res.status).toBe(200);
      expectWellFormed((await res.json()) as ChatBody);
    });

    it.each<[string, string]>([
      ['empty text', ''],
      ['whitespace', ' \t\n  '],
      ['10,000 characters', 'đăng ký vneid '.repeat(715).slice(0, 10_000)],
      ['emoji only', '😀🙏👍'],
      ['control characters', '\u0000\u0001\u0007\u001b[31m\u007f'],
      ['a script tag', '<script>alert(1)</script>'],
      ['an English question', 'How do I register an account on VNeID?'],
      ['a lone number', '7'],
      ['a greeting', 'xin chào'],
      ['an ID number', 'cccd của tôi là 001203004567 thì làm vneid thế nào'],
    ])('answers %s with a defined non-empty reply', async (_name, text) => {
      const json = await chat({ user: 'u-odd', text });
      for (const r of json.replies) expect(r.text).not.toContain('<script>');
    });

    it('says it read only the start of a very long message, then still answers', async () => {
      const json = await chat({ user: 'u-long', text: `Quên mật khẩu VNeID thì làm sao? ${'x '.repeat(5000)}` });
      expect(json.replies.length).toBe(2);
      expect(json.replies[0]?.text).toMatch(/phần đầu/);
    });

    it('never echoes an ID number or password back', async () => {
      const json = await chat({ user: 'u-secret', text: 'mật khẩu là abc123, cccd 001203004567' });
      const all = JSON.stringify(json);
      expect(all).not.toContain('abc123');
      expect(all).not.toContain('001203004567');
      expect(all).toMatch(/mật khẩu/);
    });

    it('handles concurrent requests from the same user', async () => {
      const questions = [
        'VNeID là gì?',
        'Quên mật khẩu VNeID thì làm sao?',
        'dang ky dinh danh muc 2 o dau',
        'Nộp hồ sơ trên cổng dịch vụ công thế nào?',
        'xin chào',
        '',
        'Làm sao nhận biết cuộc gọi lừa đảo giả danh công an?',
        'Bình dân học vụ số là gì?',
      ];
      await chat({ user: 'same-user', text: 'xin chào' }); // the browser gets its session first
      const responses = await Promise.all(
        questions.map((text) => postRaw(JSON.stringify({ user: 'same-user', text }))),
      );
      for (const res of responses) {
        expect(res.status).toBe(200);
        expectWellFormed((await res.json()) as ChatBody);
      }
      const session = /=([^.]+)\./.exec(jar.get('same-user') ?? '')?.[1];
      const state = (await svc.tables.rows('conversation_state')).filter(
        (r) => r.channel === 'web' && r.user_id === session,
      );
      expect(state).toHaveLength(1);
    });

    it('logged no request failure for any of the above', () => {
      expect(lines.filter((l) => l.includes('request failed'))).toEqual([]);
    });
  });

  it('answers 500 with a polite JSON problem when the engine throws', async () => {
    const { logger, lines: errLines } = memoryLogger();
    const broken = createApp({
      chat: () => Promise.reject(new Error('database is locked for 0912345678')),
      healthy: () => true,
      assets: loadWebAssets(),
      logger,
      maxBodyBytes: MAX_BODY_BYTES,
    });
    const json = await problem(
      await broken.request('/api/chat', {
        method: 'POST',
        body: JSON.stringify({ user: 'u1', text: 'VNeID là gì?' }),
      }),
      500,
    );
    expect(json.error).toBe('internal');
    expect(JSON.stringify(json)).not.toContain('database is locked');
    expect(errLines.join('')).toContain('request failed');
    expect(errLines.join('')).not.toContain('0912345678');
  });
});

/** A body sent as a stream: fetch then uses chunked transfer encoding and no Content-Length. */
function chunks(body: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(body);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 16_384) controller.enqueue(bytes.subarray(i, i + 16_384));
      controller.close();
    },
  });
}
