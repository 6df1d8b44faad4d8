/**
 * The web chat page while a person from the commune owns the conversation
 * (issue 18 item 6), in a real browser: after "gặp cán bộ" the page polls
 * `GET /api/chat/pending`, so a staff reply shows up without the resident
 * writing anything, and "Xong" shows the bot is back and stops the polling.
 */
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSED } from '../../src/core/handoff/texts.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { Services } from '../../src/services.js';
import { memoryLogger, readyServices, tempDir } from '../helpers.js';
import { launchChromium, requireChromium } from './browser.js';

const WELCOME = 'Xin chào bà con';

describe('web chat during a handoff, in a real browser', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: Services;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    requireChromium();
    tmp = tempDir('hocvuso-e2e-handoff-');
    services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'e2e.db') });
    server = await startServer(services, memoryLogger().logger);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    services?.close();
    tmp?.cleanup();
  });

  it('shows a staff reply that arrives while the resident waits, then the return to the bot', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'vi-VN' });
    page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await expect.poll(() => page.locator('.msg.bot', { hasText: WELCOME }).count()).toBe(1);

    await page.locator('#text').fill('gặp cán bộ');
    await page.locator('#text').press('Enter');
    const opening = page.locator('#log .msg.bot', { hasText: 'chuyển cuộc trò chuyện cho cán bộ xã' });
    await expect.poll(() => opening.count()).toBe(1);

    const [thread] = await services.handoff.store.list({ kind: 'commune' }, { status: 'open', limit: 5 });
    if (!thread) throw new Error('no thread opened');
    const polled = page.waitForRequest((r) => r.url().endsWith('/api/chat/pending'), { timeout: 15_000 });
    const reply = await services.handoff.actions.reply(
      thread.id,
      { kind: 'commune' },
      'staff-1',
      'Chào bà con, tôi là cán bộ xã.',
      {
        confirmed: false,
      },
    );
    expect(reply.ok).toBe(true);
    await polled;
    const staff = page.locator('#log .msg.bot', { hasText: 'Chào bà con, tôi là cán bộ xã.' });
    await expect.poll(() => staff.count(), { timeout: 15_000 }).toBe(1);
    expect(await staff.textContent()).toContain('Cán bộ xã trả lời');

    expect(await services.handoff.actions.close(thread.id, { kind: 'commune' }, 'staff-1')).toBe(true);
    await expect.poll(() => page.locator('#log .msg.bot', { hasText: CLOSED }).count(), { timeout: 15_000 }).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
