/**
 * The lean axios adapter for Zalo calls, against a real server on 127.0.0.1:
 * it must send and read exactly what axios's own Node adapter would (the URL
 * with its query, the headers, the JSON or form body), fail the same way
 * (AxiosError codes the retry logic reads), and leave anything it does not
 * handle to axios's own adapter.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { AxiosError, type AxiosAdapter } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanAdapter } from '../../src/channels/zalo/adapter.js';
import { createHttp } from '../../src/channels/zalo/http.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

describe('leanAdapter', () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        if (req.url?.startsWith('/slow')) return; // never answers
        if (req.url?.startsWith('/big')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 0, data: 'x'.repeat(4096) }));
          return;
        }
        const status = req.url?.startsWith('/status/') ? Number(req.url.slice(8)) : 200;
        res.writeHead(status, { 'content-type': 'application/json', 'x-zalo': 'yes' });
        res.end(JSON.stringify({ error: 0, message: 'Success', data: { message_id: 'm-1', echo: 'Xin chào' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const last = (): Seen => {
    const s = seen.at(-1);
    if (!s) throw new Error('the server saw nothing');
    return s;
  };

  it('posts JSON with the call headers and gives axios the parsed answer', async () => {
    const http = createHttp();
    const res = await http.post(
      `${base}/v3.0/oa/message/cs`,
      { recipient: { user_id: '42' }, message: { text: 'Câu 1/5: VNeID là gì?' } },
      { headers: { access_token: 'tok-1', 'content-type': 'application/json' } },
    );
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ error: 0, message: 'Success', data: { message_id: 'm-1', echo: 'Xin chào' } });
    expect(res.headers['x-zalo']).toBe('yes');
    const s = last();
    expect(s.method).toBe('POST');
    expect(s.url).toBe('/v3.0/oa/message/cs');
    expect(s.headers.access_token).toBe('tok-1');
    expect(s.headers['user-agent']).toBe('hocvuso-zalo/1');
    expect(s.headers['content-length']).toBe(String(Buffer.byteLength(s.body)));
    expect(JSON.parse(s.body)).toEqual({ recipient: { user_id: '42' }, message: { text: 'Câu 1/5: VNeID là gì?' } });
  });

  it('builds the same query string as axios itself', async () => {
    const params = { data: JSON.stringify({ user_id: '42' }), note: 'tiếng Việt & ký tự' };
    await createHttp().get(`${base}/v3.0/oa/user/detail`, { params });
    const lean = last().url;
    const reference = axios.create({ proxy: false, validateStatus: () => true });
    await reference.get(`${base}/v3.0/oa/user/detail`, { params });
    expect(lean).toBe(last().url);
    expect(lean).toContain('/v3.0/oa/user/detail?data=');
  });

  it('sends a form body as axios serialises it', async () => {
    const form = new URLSearchParams({ refresh_token: 'r-1', app_id: '123', grant_type: 'refresh_token' });
    await createHttp().post(`${base}/v4/oa/access_token`, form, { headers: { secret_key: 's' } });
    const s = last();
    expect(s.body).toBe('refresh_token=r-1&app_id=123&grant_type=refresh_token');
    expect(s.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it('fails like axios: a timeout, a refused connection, an oversized answer, a refused status', async () => {
    const http = createHttp({ timeoutMs: 200 });
    const timeout = await http.get(`${base}/slow`).catch((e: unknown) => e);
    expect(axios.isAxiosError(timeout) && timeout.code).toBe(AxiosError.ECONNABORTED);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await http.get(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(axios.isAxiosError(refused) && refused.code).toBe('ECONNREFUSED');

    const small = createHttp();
    small.defaults.maxContentLength = 1024;
    const big = await small.get(`${base}/big`).catch((e: unknown) => e);
    expect(axios.isAxiosError(big) && big.code).toBe(AxiosError.ERR_BAD_RESPONSE);

    const strict = axios.create({ adapter: leanAdapter(), proxy: false, maxRedirects: 0, decompress: false });
    const bad = await strict.get(`${base}/status/404`).catch((e: unknown) => e);
    expect(axios.isAxiosError(bad) && bad.response?.status).toBe(404);
    expect(axios.isAxiosError(bad) && bad.code).toBe(AxiosError.ERR_BAD_REQUEST);
    // The retry logic's view: 5xx comes back as a response, not an exception.
    expect((await http.get(`${base}/status/503`)).status).toBe(503);
  });

  it("leaves a proxy, a stream or a cancellable call to axios's own adapter", async () => {
    const calls: string[] = [];
    const fallback: AxiosAdapter = (config) => {
      calls.push(String(config.url));
      return Promise.resolve({ data: 'fallback', status: 200, statusText: 'OK', headers: {}, config });
    };
    const http = axios.create({ adapter: leanAdapter(fallback), proxy: false, maxRedirects: 0, decompress: false });
    await http.get(`${base}/a`, { proxy: { host: '127.0.0.1', port: 9 } });
    await http.get(`${base}/b`, { responseType: 'stream' });
    await http.get(`${base}/c`, { signal: new AbortController().signal });
    await http.get(`${base}/d`, { maxRedirects: 5 });
    await http.get(`${base}/e`, { decompress: true });
    expect(calls).toEqual([`${base}/a`, `${base}/b`, `${base}/c`, `${base}/d`, `${base}/e`]);
    await http.get(`${base}/plain`);
    expect(calls).toHaveLength(5);
    expect(last().url).toBe('/plain');
    // With HTTP(S)_PROXY in the environment the instance keeps axios's adapter.
    expect(createHttp({ envProxy: true }).defaults.adapter).not.toBeTypeOf('function');
  });
});
