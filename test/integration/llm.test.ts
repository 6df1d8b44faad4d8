/**
 * The optional language model, through the real OpenAI SDK against a fake
 * OpenAI-compatible server on 127.0.0.1: the request it sends (model, the
 * prompts from prompts/, the numbered passages, the question), its answer
 * from the passages with the cited source, and every way it can fail (an
 * error, an invented number, a citation to nothing, a rate limit, a model that
 * never answers) giving way to the extractive answer. On SQLite or
 * PostgreSQL (test/testService.ts).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, tempDir } from '../helpers.js';
import { testService, type TestService } from '../testService.js';
import { modelSettings, writeModelKnowledge } from '../fixtures/modelKnowledge.js';

interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
}

interface Reply {
  status: number;
  content: string;
  headers?: Record<string, string>;
}
let reply: Reply = { status: 200, content: '' };
/** Replies served first, one per request, before `reply`. */
const queue: Reply[] = [];
const requests: ChatRequestBody[] = [];
const headers: import('node:http').IncomingHttpHeaders[] = [];
let server: Server;
let baseURL = '';
const tmp = tempDir();
let services: TestService;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      requests.push(JSON.parse(body) as ChatRequestBody);
      headers.push(req.headers);
      const r = queue.shift() ?? reply;
      // Status 0: a model that never answers (the request stays open until the client gives up).
      if (r.status === 0) return;
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(
        r.status === 200
          ? JSON.stringify({
              id: 'x',
              object: 'chat.completion',
              created: 0,
              model: 'fake',
              choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: r.content } }],
            })
          : JSON.stringify({ error: { message: 'boom' } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  writeModelKnowledge(tmp.dir);
  const { DATABASE_PATH: _file, ...env } = modelSettings(tmp.dir, 'llm.db', baseURL, 1000);
  services = await testService({ env, clock: fixedClock() });
});

afterAll(async () => {
  await services?.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  tmp.cleanup();
});

beforeEach(() => {
  requests.length = 0;
  headers.length = 0;
  queue.length = 0;
  services.writer?.cache?.clear();
});

const QUESTION = 'nhận kết quả thủ tục tại nhà qua bưu điện được không';

describe('answers from the passages by a language model', () => {
  it('sends the prompts from prompts/ with the numbered passage and the question, and shows the cited source', async () => {
    reply = {
      status: 200,
      content: 'Được ạ. Khi nộp hồ sơ trực tuyến, bà con chọn nhận kết quả qua bưu điện tại nhà [1].',
    };
    const a = await services.engine.ask(QUESTION);
    expect(a.confident).toBe(true);
    expect(a.text).toBe(
      'Được ạ. Khi nộp hồ sơ trực tuyến, bà con chọn nhận kết quả qua bưu điện tại nhà.\n\n' +
        'Nguồn: Nhận kết quả thủ tục qua bưu điện – https://dichvucong.gov.vn',
    );
    expect(requests).toHaveLength(1);
    const sent = requests[0];
    expect(sent?.model).toBe('fake-model');
    expect(sent?.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(sent?.messages[0]?.content).toBe(readFileSync('prompts/system.md', 'utf8').trim());
    expect(sent?.messages[1]?.content).toContain(QUESTION);
    expect(sent?.messages[1]?.content).toMatch(/\[1\] Nhận kết quả thủ tục qua bưu điện[^\n]*\n.*bưu chính công ích/);
    expect(headers[0]?.authorization).toBe('Bearer test-key');
  });

  it('answers a repeated question from the cache: one request for two residents', async () => {
    reply = { status: 200, content: 'Bà con chọn nhận kết quả qua bưu điện tại nhà [1].' };
    const first = await services.engine.ask(QUESTION);
    const second = await services.engine.ask(`${QUESTION.toUpperCase()}?`);
    expect(second.text).toBe(first.text);
    expect(requests).toHaveLength(1);
  });

  it('says it is not sure when the model refuses', async () => {
    reply = { status: 200, content: 'KHONG_CHAC' };
    const a = await services.engine.ask(QUESTION);
    expect(a.kind).toBe('unsure');
  });

  it.each([
    ['invents a phone number', { status: 200, content: 'Bà con gọi 0987 654 321 để được giao tận nhà [1].' }],
    ['cites a passage it was not given', { status: 200, content: 'Bà con nhận tại nhà [4].' }],
    ['fails', { status: 500, content: '' }],
    ['answers 401', { status: 401, content: '' }],
  ])('falls back to the extractive answer when the model %s', async (_name, r) => {
    reply = r;
    const a = await services.engine.ask(QUESTION);
    expect(a.confident).toBe(true);
    expect(a.text).toContain('dịch vụ bưu chính công ích tại nhà');
    expect(a.text).not.toContain('0987');
  });

  it('retries once after a 429, waiting the Retry-After the server asked for, then uses the answer', async () => {
    queue.push({ status: 429, content: '', headers: { 'retry-after-ms': '50' } });
    reply = { status: 200, content: 'Bà con chọn nhận kết quả qua bưu điện tại nhà [1].' };
    const a = await services.engine.ask(QUESTION);
    expect(requests).toHaveLength(2);
    expect(a.text).toMatch(/^Bà con chọn nhận kết quả qua bưu điện tại nhà\./);
  });

  it('gives up after one retry and sends the extractive answer when the server keeps refusing', async () => {
    reply = { status: 503, content: '', headers: { 'retry-after': '0' } };
    const a = await services.engine.ask(QUESTION);
    expect(requests).toHaveLength(2);
    expect(a.text).toContain('dịch vụ bưu chính công ích tại nhà');
  });

  it('sends the extractive answer once LLM_TIMEOUT_MS has passed, retries included, when the model never answers', async () => {
    reply = { status: 0, content: '' };
    const a = await services.engine.ask(QUESTION);
    expect(a.confident).toBe(true);
    expect(a.text).toContain('dịch vụ bưu chính công ích tại nhà');
    expect(requests.length).toBeGreaterThanOrEqual(1);
  });

  it('rewrites a follow-up with the last turn through the SDK, then answers the stand-alone question', async () => {
    const user = { channel: 'web' as const, userId: 'llm-follow-up' };
    reply = { status: 200, content: 'Được ạ, bà con chọn nhận kết quả qua bưu điện tại nhà [1].' };
    await services.engine.handle({ ...user, text: QUESTION });
    requests.length = 0;
    queue.push({ status: 200, content: 'Nhận kết quả thủ tục qua bưu điện tại nhà có mất phí không?' });
    reply = { status: 200, content: 'Bà con chọn nhận kết quả qua dịch vụ bưu chính công ích [1].' };
    const replies = await services.engine.handle({ ...user, text: 'còn phí thì sao, số tôi 0912345678' });
    expect(requests).toHaveLength(2);
    const rewrite = requests[0]?.messages[1]?.content ?? '';
    expect(rewrite).toContain(`Người dân: ${QUESTION}`);
    expect(rewrite).toContain('còn phí thì sao');
    // The personal number never leaves the machine.
    expect(JSON.stringify(requests)).not.toContain('0912345678');
    expect(requests[1]?.messages[1]?.content).toContain('Nhận kết quả thủ tục qua bưu điện tại nhà có mất phí không?');
    expect(replies.map((r) => r.text).join('\n')).toContain('dịch vụ bưu chính công ích.');
    // The turns live in the conversation state, masked, and go with the citizen's data.
    const stateOf = async () =>
      (await services.tables.rows('conversation_state'))
        .filter((r) => r.channel === user.channel && r.user_id === user.userId)
        .map((r) => ({ state: String(r.state_json) }));
    expect((await stateOf())[0]?.state).toContain('qaTurns');
    expect((await stateOf())[0]?.state).not.toContain('0912345678');
    await services.citizens.erase(user);
    expect(await stateOf()).toEqual([]);
  });

  it('does not ask the model when retrieval found nothing relevant', async () => {
    reply = { status: 200, content: 'Trời hôm nay nắng [1].' };
    const a = await services.engine.ask('thời tiết ngày mai thế nào');
    expect(a.confident).toBe(false);
    expect(requests).toHaveLength(0);
  });
});
