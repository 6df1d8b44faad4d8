/**
 * Refused webhook calls are logged as one summary line per minute, not one
 * line per call: 500 forged Telegram deliveries, in process and through a
 * real server, leave no line until the minute ends and then exactly one,
 * with the counts by path, status and reason.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { telegramWebhookRoute } from '../../src/channels/telegram/webhook.js';
import { getRequestListener } from '@hono/node-server';
import { mountRawRoute } from '../../src/http/rawRoute.js';
import { RejectionLog } from '../../src/http/rejectionLog.js';
import { memoryLogger } from '../helpers.js';

const route = telegramWebhookRoute({ secret: 'the-right-secret-1234', handle: () => Promise.resolve() });
const refusedLines = (lines: string[]): string[] => lines.filter((l) => l.includes('webhook calls refused'));

function post(port: number, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/webhooks/telegram', method: 'POST', headers, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('refused webhook calls', () => {
  afterEach(() => vi.useRealTimers());

  it('through the app: one summary line after the minute, none before', async () => {
    vi.useFakeTimers();
    const { logger, lines } = memoryLogger();
    const rejections = new RejectionLog(logger);
    const app = new Hono();
    mountRawRoute(app, route, logger, rejections);
    for (let i = 0; i < 500; i++) {
      const res = await app.request('/webhooks/telegram', {
        method: 'POST',
        headers: { 'x-telegram-bot-api-secret-token': `guess-${i}` },
        body: '{}',
      });
      expect(res.status).toBe(401);
    }
    const ok = await app.request('/webhooks/telegram', {
      method: 'POST',
      headers: { 'x-telegram-bot-api-secret-token': 'the-right-secret-1234' },
      body: 'not json',
    });
    expect(ok.status).toBe(400);
    expect(refusedLines(lines)).toEqual([]);
    vi.advanceTimersByTime(60_000);
    const summary = refusedLines(lines);
    expect(summary).toHaveLength(1);
    const entry = JSON.parse(summary[0] ?? '{}') as { rejected: Record<string, number>; total: number };
    expect(entry.rejected).toEqual({
      '/webhooks/telegram 401 unauthorized': 500,
      '/webhooks/telegram 400 invalid_json': 1,
    });
    expect(entry.total).toBe(501);
    expect(lines.filter((l) => l.includes('guess-'))).toEqual([]);
  });

  it('through a real server: counted the same, flushed on demand (as at shutdown)', async () => {
    const { logger, lines } = memoryLogger();
    const rejections = new RejectionLog(logger);
    const app = new Hono();
    mountRawRoute(app, route, logger, rejections);
    const listener = getRequestListener(app.fetch);
    const server: Server = createServer((req, res) => void listener(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      for (let i = 0; i < 50; i++) expect(await post(port, { 'x-telegram-bot-api-secret-token': 'x' }, '{}')).toBe(401);
      expect(refusedLines(lines)).toEqual([]);
      rejections.flush();
      expect(refusedLines(lines)).toHaveLength(1);
      expect(refusedLines(lines)[0]).toContain('"total":50');
      rejections.flush();
      expect(refusedLines(lines)).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
