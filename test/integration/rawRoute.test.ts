/**
 * A webhook route on the app, behind a real Node server (loopback): the route
 * gets the exact bytes sent, a failed precheck or an oversized body (declared
 * or streamed) is refused without the handler running, a handler that throws
 * is a 500, and every other request reaches the app's other routes.
 */
import { createServer, request, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountRawRoute, type RawRoute } from '../../src/http/rawRoute.js';
import { memoryLogger } from '../helpers.js';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

function call(
  port: number,
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
  chunked = false,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: { ...headers, ...(body && !chunked ? { 'content-length': String(body.byteLength) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
        );
      },
    );
    req.on('error', reject);
    if (body && chunked) {
      // Two writes without a declared length: sent with chunked transfer encoding.
      req.write(body.subarray(0, 10));
      req.end(body.subarray(10));
    } else req.end(body);
  });
}

describe('a webhook route', () => {
  const seen: { body: Buffer; sig?: string }[] = [];
  const { logger, lines } = memoryLogger();
  let server: Server;
  let port = 0;

  const echo: RawRoute = {
    path: '/hook',
    maxBodyBytes: 64,
    precheck: (header) =>
      header('X-Secret') === 's3cret' ? undefined : { status: 401, json: { error: 'unauthorized' } },
    handle: (body, header) => {
      seen.push({ body, sig: header('x-signature') });
      return { status: 200, json: { ok: true, bytes: body.byteLength } };
    },
  };
  const broken: RawRoute = {
    path: '/broken',
    maxBodyBytes: 64,
    handle: () => Promise.reject(new Error('boom')),
  };

  beforeAll(async () => {
    const app = new Hono();
    mountRawRoute(app, echo, logger);
    mountRawRoute(app, broken, logger);
    app.all('*', (c) => c.text('app', 418));
    const listener = getRequestListener(app.fetch);
    server = createServer((req, res) => void listener(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('hands the handler the exact bytes and headers, and answers its JSON', async () => {
    const bytes = Buffer.from('{"t":"Xã Hùng Châu"}', 'utf8');
    const res = await call(port, 'POST', '/hook?x=1', bytes, { 'x-secret': 's3cret', 'X-Signature': 'mac=ab' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, bytes: bytes.byteLength });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(seen.at(-1)?.body.equals(bytes)).toBe(true);
    expect(seen.at(-1)?.sig).toBe('mac=ab');
  });

  it('reads a chunked body whole', async () => {
    const bytes = Buffer.from('{"update_id":12345678,"text":"chunked"}', 'utf8');
    const res = await call(port, 'POST', '/hook', bytes, { 'x-secret': 's3cret' }, true);
    expect(res.status).toBe(200);
    expect(seen.at(-1)?.body.equals(bytes)).toBe(true);
  });

  it('refuses a failed precheck and oversized bodies without running the handler', async () => {
    const before = seen.length;
    const wrong = await call(port, 'POST', '/hook', Buffer.from('{}'), { 'x-secret': 'nope' });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toEqual({ error: 'unauthorized' });
    const declared = await call(port, 'POST', '/hook', Buffer.alloc(65, 32), { 'x-secret': 's3cret' });
    expect(declared.status).toBe(413);
    const streamed = await call(port, 'POST', '/hook', Buffer.alloc(200, 32), { 'x-secret': 's3cret' }, true);
    expect(streamed.status).toBe(413);
    expect(seen.length).toBe(before);
  });

  it('answers 500 when the handler fails, and logs it', async () => {
    const res = await call(port, 'POST', '/broken', Buffer.from('{}'));
    expect(res.status).toBe(500);
    expect(lines.join('')).toContain('boom');
  });

  it('leaves other methods and paths to the app', async () => {
    expect((await call(port, 'GET', '/hook')).body).toBe('app');
    expect((await call(port, 'POST', '/hook/', Buffer.from('{}'))).body).toBe('app');
    expect((await call(port, 'POST', '/other', Buffer.from('{}'))).body).toBe('app');
  });
});
