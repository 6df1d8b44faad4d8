/**
 * The real listener: started on an ephemeral loopback port over a real SQLite
 * file, reached with `fetch`, and stopped cleanly so the port is free again.
 */
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import type { Services } from '../../src/services.js';
import { memoryLogger, readyServices, tempDir } from '../helpers.js';
import { portOpen } from '../serviceProcess.js';

/**
 * POSTs JSON over a connection that is not kept alive (as a one-shot client or
 * proxy would), so stop() need not wait for the client to drop an idle socket.
 */
function postOnce(port: number, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), connection: 'close' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('startServer', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: Services;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    tmp = tempDir('hocvuso-server-');
    services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'hocvuso.db'), PORT: '0', HOST: '127.0.0.1' });
  });

  afterAll(async () => {
    await server?.stop();
    services?.close();
    tmp?.cleanup();
  });

  it('serves /healthz and /api/chat on an ephemeral port, then stops and frees the port', async () => {
    server = await startServer(services, memoryLogger().logger);
    const { port } = server;
    expect(port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${port}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    await page.text();

    const res = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'server-test', text: 'VNeID là gì?' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { replies: { text: string }[] };
    expect(body.replies[0]?.text).toContain('Nguồn');

    const tooBig = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'u', text: 'a'.repeat(services.config.MAX_BODY_BYTES) }),
    });
    expect(tooBig.status).toBe(413);
    await tooBig.text();

    expect(await portOpen(port)).toBe(true);
    const stopping = server.stop();
    server = undefined;
    await expect(stopping).resolves.toBeUndefined();
    expect(await portOpen(port)).toBe(false);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('lets an in-flight request finish before stop() resolves', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const slow: Services = {
      ...services,
      turns: services.turns.withEngine({
        ask: (q) => services.engine.ask(q),
        handle: async (m) => {
          entered();
          await gate;
          return services.engine.handle(m);
        },
      }),
    };
    const running = await startServer(slow, memoryLogger().logger);
    const request = postOnce(running.port, '/api/chat', { user: 'slow', text: 'VNeID là gì?' });
    await inside;
    let stopped = false;
    const stopping = running.stop().then(() => {
      stopped = true;
    });
    // The listener is closed at once: no new connections...
    await new Promise((r) => setTimeout(r, 50));
    expect(await portOpen(running.port)).toBe(false);
    expect(stopped).toBe(false);
    // ...but the request already inside gets its answer.
    release();
    const res = await request;
    expect(res.status).toBe(200);
    expect((res.json as { replies: { text: string }[] }).replies[0]?.text).toContain('Nguồn');
    await stopping;
    expect(stopped).toBe(true);
  });

  it('rejects when the port is already taken', async () => {
    const first = await startServer(services, memoryLogger().logger);
    try {
      const clash = await readyServices({
        DATABASE_PATH: join(tmp.dir, 'second.db'),
        PORT: String(first.port),
        HOST: '127.0.0.1',
      });
      try {
        await expect(startServer(clash, memoryLogger().logger)).rejects.toThrow(/EADDRINUSE/);
      } finally {
        clash.close();
      }
    } finally {
      await first.stop();
    }
  });
});
