/**
 * The real listener: started on an ephemeral loopback port over the run's
 * database (server.ts on SQLite, pgServer.ts on PostgreSQL, through
 * test/testService.ts), reached with `fetch`, and stopped cleanly so the port
 * is free again.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { portOpen } from '../serviceProcess.js';
import { testService, type TestService, type TestServiceOptions } from '../testService.js';

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

/** The port of a running service's listener. */
const portOf = (s: TestService): number => Number(new URL(s.base).port);

describe('the listener', () => {
  /** Services still to close after a test (closing one twice is harmless: each test closes its own once). */
  let open: TestService[] = [];
  async function service(options: TestServiceOptions = {}): Promise<TestService> {
    const s = await testService(options);
    open.push(s);
    return s;
  }
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  const closed = (s: TestService): Promise<void> => {
    open = open.filter((o) => o !== s);
    return s.close();
  };

  it('serves /healthz and /api/chat on an ephemeral port, then stops and frees the port', async () => {
    const services = await service();
    const port = portOf(services);
    expect(port).toBeGreaterThan(0);
    const base = services.base;

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
    await expect(closed(services)).resolves.toBeUndefined();
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
    const running = await service({
      // The web chat's engine waits at the gate inside its turn.
      webEngine: (engine) => ({
        ask: (q) => engine.ask(q),
        handle: async (m) => {
          entered();
          await gate;
          return engine.handle(m);
        },
      }),
    });
    const port = portOf(running);
    const request = postOnce(port, '/api/chat', { user: 'slow', text: 'VNeID là gì?' });
    await inside;
    let stopped = false;
    const stopping = closed(running).then(() => {
      stopped = true;
    });
    // The listener is closed at once: no new connections...
    await new Promise((r) => setTimeout(r, 50));
    expect(await portOpen(port)).toBe(false);
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
    const first = await service();
    // Another process of the same install, told to listen where the first one does.
    await expect(first.another({ PORT: String(portOf(first)) })).rejects.toThrow(/EADDRINUSE/);
  });
});
