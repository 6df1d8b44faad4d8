/**
 * `npm start` with DATABASE_URL and the Zalo settings (src/pgRun.ts): the
 * service starts instead of refusing, serves Zalo's webhook on its port, and
 * a resident's message is answered through Zalo's API (nock) from the
 * PostgreSQL database; the staff's handoff knows Zalo's route.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChannelSettings } from '../../src/channelSettings.js';
import { runPgService } from '../../src/pgRun.js';
import type { RunningService } from '../../src/run.js';
import { APP_ID, APP_SECRET, API_BASE, OAUTH_BASE, OA_SECRET, signed, textEvent } from '../fixtures/zalo.js';
import { memoryLogger, testConfig } from '../helpers.js';
import { nockRefresh, recordSends } from '../integration/zaloHarness.js';
import { createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

describe('npm start on PostgreSQL with Zalo', () => {
  let t: TestDatabase;
  let running: RunningService | undefined;
  const mem = memoryLogger();

  beforeAll(async () => {
    t = await createMigratedDatabase();
  });
  afterAll(async () => {
    await running?.stop();
    nock.cleanAll();
    await t?.drop();
  });

  it('starts, takes a signed webhook event and answers it through Zalo', async () => {
    const settings = loadChannelSettings({
      ZALO_APP_ID: APP_ID,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_APP_SECRET: APP_SECRET,
      ZALO_API_BASE: API_BASE,
      ZALO_OAUTH_BASE: OAUTH_BASE,
      ZALO_REFRESH_TOKEN: 'refresh-env',
    });
    const refresh = nockRefresh('access-1', 'refresh-1');
    const { sent } = recordSends();
    const config = testConfig({ DATABASE_URL: t.appUrl });
    running = await runPgService(config, mem.logger, settings, t.appUrl);

    const d = signed(textEvent('u-run', 'quên mật khẩu VNeID thì làm sao', new Date(), 'run01'));
    const res = await fetch(`http://127.0.0.1:${running.port}/webhooks/zalo`, {
      method: 'POST',
      body: d.body,
      headers: d.headers,
    });
    expect(res.status).toBe(200);
    // The answer goes out after the HTTP reply: wait for it (the engine runs on the bundled knowledge).
    for (let i = 0; i < 600 && sent.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sent.map((m) => m.userId)).toContain('u-run');
    expect(sent[0]?.accessToken).toBe('access-1');
    expect(sent[0]?.text.length).toBeGreaterThan(0);
    expect(refresh.isDone()).toBe(true);
    expect(mem.lines.join('\n')).toContain('"channels":["web","zalo","channel-rows"]');
  }, 180_000);
});
