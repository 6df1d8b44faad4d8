/**
 * The optional language model, through the real OpenAI SDK against a fake
 * OpenAI-compatible server on 127.0.0.1: it words passage answers, and every
 * way it can fail (declining, an error, an invented number) falls back to the
 * extractive answer. Retrieval alone decides whether to answer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/services.js';
import { fixedClock, memoryLogger, tempDir, testConfig, writeTree } from '../helpers.js';

interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
}

let reply: { status: number; content: string } = { status: 200, content: '' };
const requests: ChatRequestBody[] = [];
let server: Server;
let baseURL = '';
const tmp = tempDir();
let services: Services;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      requests.push(JSON.parse(body) as ChatRequestBody);
      // Status 0: a model that never answers (the request stays open until the client gives up).
      if (reply.status === 0) return;
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(
        reply.status === 200
          ? JSON.stringify({
              id: 'x',
              object: 'chat.completion',
              created: 0,
              model: 'fake',
              choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: reply.content } }],
            })
          : JSON.stringify({ error: { message: 'boom' } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  writeTree(tmp.dir, {
    'knowledge/buu-dien.md': [
      '---',
      'title: Nhận kết quả thủ tục qua bưu điện',
      'url: https://dichvucong.gov.vn',
      '---',
      '# Nhận kết quả thủ tục qua bưu điện',
      '',
      '## Nhận kết quả tại nhà được không?',
      '',
      'Khi nộp hồ sơ trực tuyến, bà con có thể chọn nhận kết quả qua dịch vụ bưu chính công ích tại nhà.',
    ].join('\n'),
  });
  services = createServices(
    testConfig({
      DATABASE_PATH: `${tmp.dir}/llm.db`,
      KNOWLEDGE_DIR: `${tmp.dir}/knowledge`,
      LLM_MODEL: 'fake-model',
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: baseURL,
      LLM_TIMEOUT_MS: '1000',
      PROMPTS_DIR: 'prompts',
    }),
    memoryLogger().logger,
    { clock: fixedClock() },
  );
  await services.ingest();
});

afterAll(async () => {
  services.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  tmp.cleanup();
});

beforeEach(() => {
  requests.length = 0;
});

const QUESTION = 'nhận kết quả thủ tục tại nhà qua bưu điện được không';

describe('answers worded by a language model', () => {
  it('uses the model wording, keeps the source line, and sends the prompts from prompts/', async () => {
    reply = {
      status: 200,
      content: 'Được ạ. Khi nộp hồ sơ trực tuyến, bà con chọn nhận kết quả qua bưu điện tại nhà.',
    };
    const a = await services.engine.ask(QUESTION);
    expect(a.confident).toBe(true);
    expect(a.text).toContain('Được ạ.');
    expect(a.text).toContain('Nguồn: Nhận kết quả thủ tục qua bưu điện – https://dichvucong.gov.vn');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.model).toBe('fake-model');
    expect(requests[0]?.messages[0]?.content).toContain('Hocvuso');
    expect(requests[0]?.messages[1]?.content).toContain(QUESTION);
    expect(requests[0]?.messages[1]?.content).toContain('bưu chính công ích');
  });

  it.each([
    ['declines', { status: 200, content: 'KHONG_CHAC' }],
    ['invents a phone number', { status: 200, content: 'Bà con gọi 0987 654 321 để được giao tận nhà.' }],
    ['fails', { status: 500, content: '' }],
  ])('falls back to the extractive answer when the model %s', async (_name, r) => {
    reply = r;
    const a = await services.engine.ask(QUESTION);
    expect(a.confident).toBe(true);
    expect(a.text).toContain('dịch vụ bưu chính công ích tại nhà');
    expect(a.text).not.toContain('0987');
  });

  it('sends the extractive answer once LLM_TIMEOUT_MS has passed, retries included, when the model never answers', async () => {
    reply = { status: 0, content: '' };
    const t0 = performance.now();
    const a = await services.engine.ask(QUESTION);
    const elapsed = performance.now() - t0;
    expect(a.confident).toBe(true);
    expect(a.text).toContain('dịch vụ bưu chính công ích tại nhà');
    // One limit for the whole answer (1,000 ms here); a per-attempt limit with a retry took twice as long.
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(1600);
  });

  it('does not ask the model when retrieval is not sure', async () => {
    reply = { status: 200, content: 'Trời hôm nay nắng.' };
    const a = await services.engine.ask('thời tiết ngày mai thế nào');
    expect(a.confident).toBe(false);
    expect(requests).toHaveLength(0);
  });
});
