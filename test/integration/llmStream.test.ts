/**
 * The web chat's stream end to end: the real OpenAI SDK streaming from a
 * fake OpenAI-compatible server on 127.0.0.1 (`data: {...}` chunks, then
 * `data: [DONE]`), through the engine, to `POST /api/chat/stream` in
 * process. Checked sentences arrive as `delta` events; a sentence with an
 * invented phone number never does (the draft is withdrawn with `replace`
 * and `done` brings the extractive answer); `done` is the body `/api/chat`
 * returns; the cookie, the 400s and the 429 are those of `/api/chat`. On
 * SQLite or PostgreSQL: the real server of test/testService.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadWebAssets } from '../../src/channels/web/assets.js';
import { createApp } from '../../src/http/app.js';
import { OpenAiChatModel } from '../../src/rag/chatModel.js';
import { fixedClock, memoryLogger, tempDir } from '../helpers.js';
import { modelSettings, writeModelKnowledge } from '../fixtures/modelKnowledge.js';
import { testService, type TestService } from '../testService.js';

/** The pieces the fake model streams for the next request. */
let pieces: string[] = [];
const requests: { stream?: boolean }[] = [];
let server: Server;
let baseURL = '';
const tmp = tempDir();
let services: TestService;

function chunk(content: string): string {
  const body = {
    id: 'x',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'fake',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { stream?: boolean };
      requests.push(parsed);
      if (!parsed.stream) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'this fake only streams' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const p of pieces) res.write(chunk(p));
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  writeModelKnowledge(tmp.dir);
  const { DATABASE_PATH: _file, ...model } = modelSettings(tmp.dir, 'stream.db', baseURL, 2000);
  services = await testService({
    env: { ...model, RATE_LIMIT_BURST: '4', RATE_LIMIT_PER_MINUTE: '1' },
    clock: fixedClock(),
  });
});

afterAll(async () => {
  await services?.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  tmp.cleanup();
});

beforeEach(() => {
  requests.length = 0;
  services.writer?.cache?.clear();
});

const QUESTION = 'nhận kết quả thủ tục tại nhà qua bưu điện được không';

interface SseEvent {
  event: string;
  data: unknown;
}

/** The events of a text/event-stream body, in order. */
function eventsOf(body: string): SseEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      return { event, data: JSON.parse(data) as unknown };
    });
}

async function post(path: string, body: unknown, cookie?: string): Promise<Response> {
  return await services.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(cookie && { Cookie: cookie }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('OpenAiChatModel.stream', () => {
  it('yields the text pieces of a streamed completion, asking with stream: true', async () => {
    pieces = ['Được ', 'ạ [1].'];
    const model = new OpenAiChatModel({ model: 'fake-model', apiKey: 'k', baseURL, timeoutMs: 2000 });
    const got: string[] = [];
    for await (const p of model.stream([{ role: 'user', content: 'hỏi' }])) got.push(p);
    expect(got).toEqual(['Được ', 'ạ [1].']);
    expect(requests[0]?.stream).toBe(true);
  });
});

describe('POST /api/chat/stream', () => {
  it('streams checked sentences, then done with the body /api/chat would return, and sets the session cookie', async () => {
    pieces = ['Được ạ', '. Khi nộp hồ sơ trực tuyến, bà con chọn nhận kết quả', ' qua bưu điện tại nhà [1].'];
    const res = await post('/api/chat/stream', { user: 'web-page', text: QUESTION });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('set-cookie')).toMatch(/^hocvuso_sid=[^;]+;.*HttpOnly/);
    const events = eventsOf(await res.text());
    expect(events.map((e) => e.event)).toEqual(['delta', 'delta', 'done']);
    expect(events.slice(0, 2).map((e) => (e.data as { text: string }).text)).toEqual([
      'Được ạ.',
      ' Khi nộp hồ sơ trực tuyến, bà con chọn nhận kết quả qua bưu điện tại nhà.',
    ]);
    const done = events[2]?.data as { replies: { text: string; sources?: unknown[] }[] };
    expect(done.replies[0]?.text).toContain(
      'Được ạ. Khi nộp hồ sơ trực tuyến, bà con chọn nhận kết quả qua bưu điện tại nhà.\n\n' +
        'Nguồn: Nhận kết quả thủ tục qua bưu điện – https://dichvucong.gov.vn',
    );
    // The same first turn of a new visitor through /api/chat (the model's reply now cached) gives the same body.
    const plain = await post('/api/chat', { user: 'web-page', text: QUESTION });
    expect(await plain.json()).toEqual(done);
  });

  it('never sends a sentence with an invented phone number: the draft is replaced by the extractive answer', async () => {
    pieces = ['Được ạ [1]. ', 'Bà con gọi 0987 654 321', ' để được giao tận nhà. ', 'Cảm ơn bà con [1].'];
    const res = await post('/api/chat/stream', { user: 'web-page', text: QUESTION });
    const body = await res.text();
    expect(body).not.toContain('0987');
    const events = eventsOf(body);
    expect(events.map((e) => e.event)).toEqual(['delta', 'replace', 'done']);
    expect(events[0]?.data).toEqual({ text: 'Được ạ.' });
    const done = events[2]?.data as { replies: { text: string }[] };
    expect(done.replies[0]?.text).toContain('dịch vụ bưu chính công ích tại nhà');
    expect(done.replies[0]?.text).not.toContain('0987');
  });

  it('answers a bad body with the 400 of /api/chat, before any turn', async () => {
    const bad = await post('/api/chat/stream', '{not json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_json');
    const extra = await post('/api/chat/stream', { user: 'web-page', text: 'x', admin: true });
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as { details: string[] }).details).toEqual(['trường không hợp lệ: admin']);
    expect(requests).toHaveLength(0);
  });
});

describe('POST /api/chat/stream around a turn that fails', () => {
  const appWith = (chat: Parameters<typeof createApp>[0]['chat']) =>
    createApp({
      chat,
      healthy: () => true,
      assets: loadWebAssets(),
      logger: memoryLogger().logger,
      maxBodyBytes: 4096,
    });
  const body = JSON.stringify({ user: 'web-page', text: 'hỏi' });
  const headers = { 'Content-Type': 'application/json' };

  it('ends with an error event when the turn fails after its first sentence (the page then asks /api/chat)', async () => {
    const app = appWith((_req, _visitor, draft) => {
      draft?.delta('Câu đã kiểm tra.');
      return Promise.reject(new Error('database is locked'));
    });
    const res = await app.request('/api/chat/stream', { method: 'POST', headers, body });
    const events = eventsOf(await res.text());
    expect(events.map((e) => e.event)).toEqual(['delta', 'error']);
    expect(events[1]?.data).not.toHaveProperty('replies');
  });

  it('answers 500 as JSON when the turn fails before anything was sent', async () => {
    const app = appWith(() => Promise.reject(new Error('database is locked')));
    const res = await app.request('/api/chat/stream', { method: 'POST', headers, body });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toBe('internal');
  });
});

describe('POST /api/chat/stream without a model', () => {
  let plain: TestService;
  beforeAll(async () => {
    plain = await testService({ env: { RATE_LIMIT_BURST: '2', RATE_LIMIT_PER_MINUTE: '1' } });
  });
  afterAll(async () => {
    await plain?.close();
  });

  it('sends done alone with the /api/chat body, then the 429 of /api/chat once the session is over its limit', async () => {
    const send = async (cookie?: string) =>
      await plain.request('/api/chat/stream', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(cookie && { Cookie: cookie }) },
        body: JSON.stringify({ user: 'web-page', choice: 'menu:start' }),
      });
    const first = await send();
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')?.split(';')[0];
    expect(cookie).toMatch(/^hocvuso_sid=/);
    const events = eventsOf(await first.text());
    expect(events.map((e) => e.event)).toEqual(['done']);
    const replies = (events[0]?.data as { replies: { text: string }[] }).replies;
    expect(replies.length).toBeGreaterThan(0);
    expect((await send(cookie)).status).toBe(200);
    const refused = await send(cookie);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await refused.json()) as { error: string }).error).toBe('rate_limited');
  });
});
