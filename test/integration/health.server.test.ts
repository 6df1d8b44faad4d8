/**
 * `GET /healthz` on the real listener tells the truth about the data, on
 * SQLite or PostgreSQL (test/testService.ts): it answers 200 only after
 * writing its row (a `SELECT 1` kept answering 200 while nothing could be
 * stored), and "stopping" once the server drains, while chat and webhooks
 * are refused. The SQLite file deleted or replaced under the server:
 * health.sqliteFile.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { testService, type TestService } from '../testService.js';

interface Health {
  status: string;
  database: boolean;
  reason?: string;
  message?: string;
}

async function health(app: Pick<TestService, 'request'>): Promise<{ status: number; body: Health }> {
  const res = await app.request('/healthz');
  return { status: res.status, body: (await res.json()) as Health };
}

describe('/healthz on a real server', () => {
  let service: TestService | undefined;

  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('answers 200 with the same body as before, after writing its row', async () => {
    service = await testService();
    const { status, body } = await health(service);
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', database: true });
    const rows = await service.tables.rows('health_checks');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.commune_id).toBe('hung-chau');
    expect(Date.now() - Date.parse(String(rows[0]?.checked_at))).toBeLessThan(60_000);
  });

  it('answers 503 "stopping", and refuses webhooks and chat with 503, once the server drains', async () => {
    service = await testService();
    expect((await health(service)).status).toBe(200);
    service.drain();
    const { status, body } = await health(service);
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'unavailable', reason: 'stopping' });
    for (const path of ['/api/chat', '/webhooks/telegram', '/webhooks/zalo']) {
      const res = await service.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'u', text: 'VNeID là gì?' }),
      });
      expect(res.status, path).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(await res.json()).toMatchObject({ error: 'stopping' });
    }
  });
});
