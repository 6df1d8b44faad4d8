/**
 * The web chat in a real browser. Unit and HTTP tests check the JSON; only a
 * browser shows what bà con actually see on a phone: the welcome and buttons
 * render, answers carry their source link, a pasted <script> stays text, and a
 * lost connection never swallows what was typed. Drives Debian's chromium
 * (apt-get install -y chromium) through playwright-core, against the real
 * server on a loopback port; the browser's own outside connections are off.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium } from './browser.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { Services } from '../../src/services.js';
import { memoryLogger, readyServices, tempDir } from '../helpers.js';
import { modelSettings, writeModelKnowledge } from '../fixtures/modelKnowledge.js';

const PHONE = { width: 390, height: 844 };
const WELCOME = 'Xin chào bà con';
/** The page's two ways of sending a turn: the stream first, the whole answer when it fails. */
const CHAT_API = /\/api\/chat(\/stream)?$/;

describe('web chat in a real browser (phone size)', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: Services;
  let server: RunningServer;
  let browser: Browser;
  let baseUrl: string;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    requireChromium();
    tmp = tempDir('hocvuso-e2e-');
    services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'e2e.db') });
    server = await startServer(services, memoryLogger().logger);
    baseUrl = `http://127.0.0.1:${server.port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    services?.close();
    tmp?.cleanup();
  });

  beforeEach(async () => {
    // A new context per test: fresh localStorage, so a fresh web user id and conversation.
    context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    page = await context.newPage();
    pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(baseUrl + '/');
    await expect.poll(() => page.locator('.msg.bot', { hasText: WELCOME }).count()).toBe(1);
  });

  afterEach(async () => {
    await context.close();
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });

  /** Bot bubbles that are real answers, not the "typing" placeholder. */
  const answers = () => page.locator('#log .msg.bot:not(.typing)');

  /** Types into the composer and presses Enter, as a person would. */
  async function ask(text: string): Promise<void> {
    const input = page.locator('#text');
    await input.click();
    await input.fill(text);
    await input.press('Enter');
  }

  it('loads on a phone: welcome, visible quick replies, no sideways scroll', async () => {
    await expect(page.title()).resolves.toContain('Hocvuso');
    const buttons = page.locator('#log .buttons button');
    expect(await buttons.count()).toBeGreaterThanOrEqual(2);
    for (const button of await buttons.all()) {
      expect(await button.isVisible()).toBe(true);
      expect(await button.isEnabled()).toBe(true);
    }
    expect(await page.locator('#text').isVisible()).toBe(true);
    expect(await page.locator('#send').isVisible()).toBe(true);
    const widths = await page.evaluate<{ scroll: number; inner: number }>(
      '({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth })',
    );
    expect(widths.inner).toBe(PHONE.width);
    expect(widths.scroll).toBeLessThanOrEqual(widths.inner);

    const shot = join(tmp.dir, 'webchat-phone.png');
    const png = await page.screenshot({ path: shot, fullPage: true });
    expect(png.length).toBeGreaterThan(1000);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(readFileSync(shot).equals(png)).toBe(true);
  });

  it('answers a typed question with its source line and a source link', async () => {
    const question = 'dang ky dinh danh muc 2 o dau';
    await ask(question);
    await expect.poll(() => page.locator('#log .msg.me').last().textContent()).toBe(question);
    expect(await page.locator('#text').inputValue()).toBe('');

    const answer = page.locator('#log .msg.bot:not(.typing)', { hasText: /Nguồn: / });
    await expect.poll(() => answer.count()).toBe(1);
    expect(await answer.textContent()).toMatch(/mức 2/i);
    const link = answer.locator('.sources a').first();
    expect(await link.getAttribute('href')).toMatch(/^https:\/\//);
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await link.isVisible()).toBe(true);
    await expect.poll(() => page.locator('#send').isEnabled()).toBe(true);

    // Only the log scrolls: the composer stays on screen and the newest message is in view.
    const layout = await page.evaluate<{ composerBottom: number; pageScroll: number; logGap: number }>(
      `(() => {
        const log = document.getElementById('log');
        return {
          composerBottom: document.getElementById('composer').getBoundingClientRect().bottom,
          pageScroll: document.scrollingElement.scrollHeight - window.innerHeight,
          logGap: log.scrollHeight - log.scrollTop - log.clientHeight,
        };
      })()`,
    );
    expect(layout.composerBottom).toBeLessThanOrEqual(PHONE.height);
    expect(layout.pageScroll).toBeLessThanOrEqual(1);
    expect(layout.logGap).toBeLessThanOrEqual(2);
  });

  it('sends a quick reply value on click and disables the old buttons', async () => {
    const first = page.locator('#log .buttons').first().getByRole('button', { name: 'Hỏi về VNeID' });
    const label = (await first.textContent()) ?? '';
    expect(label).not.toBe('');
    const before = await answers().count();

    const request = page.waitForRequest((r) => CHAT_API.test(r.url()) && r.method() === 'POST');
    await first.click();
    const body: unknown = (await request).postDataJSON();
    expect(body).toMatchObject({ choice: 'menu:vneid' });
    expect(body).not.toHaveProperty('text');

    await expect.poll(() => answers().count()).toBeGreaterThan(before);
    expect(await page.locator('#log .msg.me').last().textContent()).toBe(label);
    for (const old of await page.locator('#log .buttons').first().locator('button').all()) {
      expect(await old.isDisabled()).toBe(true);
    }
    expect(await answers().last().textContent()).not.toBe('');
  });

  it('shows pasted markup as literal text and never runs it', async () => {
    const evil = '<script>window.__pwned=1</script><b>x</b>';
    const before = await answers().count();
    await ask(evil);
    await expect.poll(() => answers().count()).toBeGreaterThan(before);

    const bubble = page.locator('#log .msg.me').last();
    expect(await bubble.textContent()).toBe(evil);
    expect(await bubble.textContent()).toContain('<script>');
    expect(await page.locator('#log b').count()).toBe(0);
    expect(await page.locator('#log script').count()).toBe(0);
    expect(await page.evaluate<string>('typeof window.__pwned')).toBe('undefined');
  });

  it('keeps the typed text and shows an error when the server cannot be reached', async () => {
    await page.route(CHAT_API, (route) => route.abort('connectionrefused'));
    const status = page.locator('#status');
    expect(await status.isVisible()).toBe(false);

    const typed = 'quen mat khau VNeID thi lam sao';
    await ask(typed);
    await expect.poll(() => status.isVisible()).toBe(true);
    expect(await status.textContent()).toContain('Chưa gửi được');
    expect(await page.locator('#text').inputValue()).toBe(typed);
    expect(await page.locator('#send').isEnabled()).toBe(true);
    expect(await page.locator('#log .msg.typing').count()).toBe(0);

    // Once the connection is back, pressing Gửi again sends it and clears the error.
    await page.unroute(CHAT_API);
    const before = await answers().count();
    await page.locator('#send').click();
    await expect.poll(() => answers().count()).toBeGreaterThan(before);
    expect(await status.isVisible()).toBe(false);
    expect(await page.locator('#text').inputValue()).toBe('');
  });
  it('sends a message again under its first id when its answer was lost, and the server acts on it once', async () => {
    const question = 'máy cày của tôi bị hỏng bugi thì sửa thế nào';
    const unanswered = (): number =>
      (
        services.db.prepare("SELECT count(*) AS n FROM unanswered_questions WHERE question LIKE '%bugi%'").get() as {
          n: number;
        }
      ).n;
    const ids: string[] = [];
    const idOf = (body: unknown): string => String((body as { id?: unknown }).id);
    // The stream reaches the server, which answers, but the answer never reaches the page.
    await page.route(/\/api\/chat\/stream$/, async (route) => {
      ids.push(idOf(route.request().postDataJSON()));
      await route.fetch();
      await route.abort('connectionreset');
    });
    // So does the whole-answer request that takes over.
    await page.route(/\/api\/chat$/, async (route) => {
      ids.push(idOf(route.request().postDataJSON()));
      await route.fetch();
      await route.abort('connectionreset');
    });
    await ask(question);
    const status = page.locator('#status');
    await expect.poll(() => status.isVisible()).toBe(true);
    expect(await page.locator('#text').inputValue()).toBe(question);

    // The connection is back: Gửi sends the same message under the same id, and gets its answer.
    await page.unroute(/\/api\/chat\/stream$/);
    await page.unroute(/\/api\/chat$/);
    const resent = page.waitForRequest((r) => CHAT_API.test(r.url()) && r.method() === 'POST');
    const before = await answers().count();
    await page.locator('#send').click();
    ids.push(idOf((await resent).postDataJSON()));
    await expect.poll(() => answers().count()).toBeGreaterThan(before);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(unanswered()).toBe(1);
    // A new message is a new id.
    const next = page.waitForRequest((r) => CHAT_API.test(r.url()) && r.method() === 'POST');
    await ask(question);
    expect(idOf((await next).postDataJSON())).not.toBe(ids[0]);
  });

  it("is known by the server's HttpOnly cookie, not by an id the page makes up, across a reload", async () => {
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'hocvuso_sid');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
    expect(await page.evaluate<string>('document.cookie')).not.toContain('hocvuso_sid');
    expect(await page.evaluate<string | null>("localStorage.getItem('hocvuso-user')")).toBeNull();

    const request = page.waitForRequest((r) => CHAT_API.test(r.url()) && r.method() === 'POST');
    await ask('VNeID là gì?');
    expect((await request).postDataJSON()).toMatchObject({ user: 'web-page' });
    await expect.poll(() => page.locator('#log .msg.bot', { hasText: /Nguồn: / }).count()).toBe(1);

    // The same browser after a reload is the same person: the page sends the cookie it was given.
    await page.reload();
    await expect.poll(() => page.locator('.msg.bot', { hasText: WELCOME }).count()).toBe(1);
    const after = (await context.cookies()).find((c) => c.name === 'hocvuso_sid');
    expect(after?.value.split('.')[0]).toBe(session?.value.split('.')[0]);
  });

  it('takes a quiz with the buttons: consent skipped, every question answered, result shown', async () => {
    const lastButtons = () => page.locator('#log .buttons').last();
    const press = async (name: string | RegExp) => {
      const before = await answers().count();
      await lastButtons().getByRole('button', { name }).first().click();
      await expect.poll(() => answers().count()).toBeGreaterThan(before);
    };
    await expect.poll(() => page.locator('#log .buttons').count()).toBeGreaterThan(0);
    await press('Làm bài kiểm tra');
    await press(/Phong trào Bình dân học vụ số/);
    expect(await answers().last().textContent()).toContain('xin lưu');
    await press('Bỏ qua');
    // Answer every question with its first shown option until the result appears.
    for (let i = 0; i < 12; i++) {
      const text = (await answers().last().textContent()) ?? '';
      if (text.includes('Bà con trả lời đúng')) break;
      await lastButtons().locator('button').first().click();
      await expect.poll(async () => (await answers().last().textContent()) !== text).toBe(true);
    }
    await expect.poll(() => page.locator('#log .msg.bot').filter({ hasText: 'Bà con trả lời đúng' }).count()).toBe(1);
    expect(await lastButtons().getByRole('button', { name: 'Kết quả của tôi' }).count()).toBe(1);
  });
});

describe('web chat with a language model: the answer streams, checked sentence by sentence', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: Services;
  let server: RunningServer;
  let model: Server;
  let browser: Browser;
  let baseUrl: string;
  let context: BrowserContext;
  let page: Page;
  /** What the fake model streams now, and what it holds back until `release` is called. */
  let first: string[] = [];
  let rest: string[] = [];
  let release: () => void = () => undefined;
  const QUESTION = 'nhận kết quả thủ tục tại nhà qua bưu điện được không';

  const chunk = (content: string): string =>
    `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

  beforeAll(async () => {
    model = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const p of first) res.write(chunk(p));
        if (rest.length === 0) return void res.end('data: [DONE]\n\n');
        const held = new Promise<void>((resolve) => (release = resolve));
        void held.then(() => {
          for (const p of rest) res.write(chunk(p));
          res.end('data: [DONE]\n\n');
        });
      });
    });
    await new Promise<void>((resolve) => model.listen(0, '127.0.0.1', resolve));
    tmp = tempDir('hocvuso-e2e-stream-');
    writeModelKnowledge(tmp.dir);
    services = await readyServices(
      modelSettings(tmp.dir, 'e2e.db', `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1`, 10_000),
    );
    server = await startServer(services, memoryLogger().logger);
    baseUrl = `http://127.0.0.1:${server.port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    services?.close();
    model?.closeAllConnections();
    await new Promise<void>((resolve) => model?.close(() => resolve()));
    tmp?.cleanup();
  });

  beforeEach(async () => {
    services.writer?.cache?.clear();
    context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    page = await context.newPage();
    await page.goto(baseUrl + '/');
    await expect.poll(() => page.locator('.msg.bot', { hasText: WELCOME }).count()).toBe(1);
    // Everything the log ever shows, kept by an observer (installed from outside the page's CSP).
    await page.evaluate(`(() => {
      window.__seen = '';
      const log = document.getElementById('log');
      new MutationObserver(() => { window.__seen += '\\n' + log.textContent; })
        .observe(log, { childList: true, subtree: true, characterData: true });
    })()`);
  });

  afterEach(async () => {
    release();
    await context.close();
  });

  async function askQuestion(): Promise<void> {
    const input = page.locator('#text');
    await input.fill(QUESTION);
    await input.press('Enter');
  }

  it('shows the first checked sentence while the model writes, then the whole answer with its source and buttons', async () => {
    first = ['Được ạ [1]', '. Khi nộp hồ sơ trực tuyến'];
    rest = [', bà con chọn nhận kết quả qua bưu điện tại nhà [1].'];
    await askQuestion();
    const draft = page.locator('#log .msg.draft');
    await expect.poll(() => draft.textContent()).toBe('Được ạ.');
    expect(await page.locator('#log .buttons button:enabled').count()).toBe(0);
    release();
    const answer = page.locator('#log .msg.bot:not(.typing)', { hasText: /Nguồn: / });
    await expect.poll(() => answer.count()).toBe(1);
    expect(await answer.textContent()).toContain('Được ạ. Khi nộp hồ sơ trực tuyến, bà con chọn nhận kết quả');
    expect(await draft.count()).toBe(0);
    await expect.poll(() => page.locator('#log .buttons').last().locator('button:enabled').count()).toBeGreaterThan(0);
  });

  it('never shows a sentence with an invented phone number: the draft gives way to the extractive answer', async () => {
    first = ['Được ạ [1]. ', 'Bà con gọi 0987 654'];
    rest = [' 321 để được giao tận nhà. ', 'Cảm ơn bà con [1].'];
    await askQuestion();
    await expect.poll(() => page.locator('#log .msg.draft').textContent()).toBe('Được ạ.');
    release();
    const answer = page.locator('#log .msg.bot:not(.typing)', { hasText: /Nguồn: / });
    await expect.poll(() => answer.count()).toBe(1);
    expect(await answer.textContent()).toContain('dịch vụ bưu chính công ích tại nhà');
    expect(await page.locator('#log .msg.draft').count()).toBe(0);
    expect(await page.evaluate<string>('window.__seen')).not.toContain('0987');
  });

  it('falls back to /api/chat when the stream is not there, keeping the answer', async () => {
    await page.route('**/api/chat/stream', (route) => route.fulfill({ status: 404, body: '{}' }));
    first = ['Được ạ, bà con chọn nhận kết quả qua bưu điện tại nhà [1].'];
    rest = [];
    const posted: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posted.push(new URL(r.url()).pathname);
    });
    await askQuestion();
    const answer = page.locator('#log .msg.bot:not(.typing)', { hasText: /Nguồn: / });
    await expect.poll(() => answer.count()).toBe(1);
    expect(posted).toEqual(['/api/chat/stream', '/api/chat']);
    expect(await page.locator('#status').isVisible()).toBe(false);
  });
});
