/**
 * "Hỏi cán bộ" in a real browser at phone width, under the app's strict CSP:
 * handoff.js's event stream appends a resident's new message to the open
 * conversation, announces a new thread and updates the bar's count and the
 * inbox, and a reply sent from the form shows "đang gửi" then "đã gửi" once
 * the outbox reports it sent. The handoff store and actions are the
 * in-memory fakes; the console's front door is stood in for (the real one
 * is tested in test/integration/staffHandoff.test.ts). Drives Debian's
 * chromium through playwright-core on a loopback port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium, watchProblems } from './browser.js';
import { loadWebAssets } from '../../src/channels/web/assets.js';
import { createApp } from '../../src/http/app.js';
import { createHandoffModule } from '../../src/staff/handoffModule.js';
import type { StaffEnv } from '../../src/staff/types.js';
import { MemoryHandoffActions, MemoryHandoffStore } from '../fakes/handoff.js';
import { fixedClock, memoryLogger } from '../helpers.js';

const PHONE = { width: 390, height: 844 };

describe('"Hỏi cán bộ" live in a real browser (phone size)', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  let store: MemoryHandoffStore;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  const clock = fixedClock('2026-12-01T08:00:00.000Z');

  beforeAll(async () => {
    requireChromium();
    store = new MemoryHandoffStore();
    const staff = new Hono<StaffEnv>();
    staff.use('*', async (c, next) => {
      c.set('staff', { id: 'lan', name: 'Nguyễn Thị Lan', role: 'admin' });
      c.set('csrfToken', 'test-token');
      await next();
    });
    createHandoffModule({
      store,
      actions: new MemoryHandoffActions(store, clock),
      audit: { record: () => undefined },
      clock,
      learning: { entries: { create: () => 'console_1' }, index: { documents: () => [] }, publish: () => undefined },
      hamlets: () => [{ id: 'xom-1', name: 'Xóm Đông' }],
    })(staff);
    const app = createApp({
      chat: () => Promise.reject(new Error('not used')),
      healthy: () => true,
      assets: loadWebAssets(),
      logger: memoryLogger().logger,
      maxBodyBytes: 4096,
      staff: new Hono().route('/', staff),
    });
    const listener = getRequestListener(app.fetch);
    server = createServer((req, res) => void listener(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    page = await context.newPage();
    problems = watchProblems(page);
  });

  afterEach(async () => {
    await context.close();
  });

  function resident(threadId: number, text: string): void {
    store.append(threadId, { author: 'resident', text, at: clock.now() });
  }

  function open(userId: string): number {
    const t = store.open({ channel: 'zalo', userId, hamletId: 'xom-1', reason: 'asked', at: clock.now() });
    resident(t.id, 'Cho tôi gặp cán bộ');
    return t.id;
  }

  it('appends a new message, announces a new thread and counts it, and tracks a reply until sent', async () => {
    const id = open('u-1');
    await page.goto(`${base}/staff/hoi-dap/${id}`);
    expect(await page.locator('#messages li').count()).toBe(1);
    await expect.poll(() => page.locator('[data-handoff-count]').textContent()).toBe('1');

    resident(id, 'Tôi cần làm lại căn cước <b>gấp</b>');
    await expect.poll(() => page.locator('#messages li').count()).toBe(2);
    expect(await page.locator('#messages li.msg-resident').last().locator('.text').textContent()).toBe(
      'Tôi cần làm lại căn cước <b>gấp</b>',
    );

    open('u-2');
    await expect.poll(() => page.locator('#handoff-live').textContent()).toContain('Có người dân mới cần cán bộ');
    await expect.poll(() => page.locator('[data-handoff-count]').textContent()).toBe('2');

    await page.locator('#reply-text').fill('Bác mang căn cước cũ ra bộ phận một cửa nhé.');
    await page.getByRole('button', { name: 'Gửi', exact: true }).click();
    const state = page.locator('#messages li.msg-staff .delivery');
    await expect.poll(() => state.textContent()).toBe('đang gửi');
    const reply = store.log.at(-1);
    if (!reply) throw new Error('no reply stored');
    store.deliver(reply.id, 'sent');
    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toBe('đã gửi');
    expect(problems).toEqual([]);
  });

  it('adds a new thread to the open inbox', async () => {
    await page.goto(`${base}/staff/hoi-dap`);
    const before = await page.locator('#thread-rows tr').count();
    const id = open('u-3');
    await expect.poll(() => page.locator('#thread-rows tr').count()).toBe(before + 1);
    expect(await page.locator('#thread-rows tr').first().getAttribute('data-thread')).toBe(String(id));
    resident(id, 'Alo');
    await expect.poll(() => page.locator(`tr[data-thread="${id}"] [data-unread]`).textContent()).toBe('2');
    expect(problems).toEqual([]);
  });
});
