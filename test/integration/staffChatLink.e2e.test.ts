/**
 * A staff member links their own chat to their console account, end to end:
 * the code is issued by the console page (real front door, real session),
 * sent to the real engine from a Telegram or Zalo identity (`/canbo CODE`),
 * and from then on `/thongke` answers that identity and nobody else. Codes
 * are one-time, expire after 10 minutes, are stored hashed, and guessing is
 * limited like the residents' link codes; disabling or unlinking the account
 * ends the link; every link and unlink is audited without the chat id. On
 * SQLite or PostgreSQL: the engine of test/testService.ts, and the console's
 * front door and account page over its stores on the test's clock (codes
 * expire by it).
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inboundOf } from '../../src/channels/telegram/inbound.js';
import type { CliContext } from '../../src/cli/index.js';
import { runStaff } from '../../src/cli/staff.js';
import type { IncomingMessage } from '../../src/core/messages.js';
import { STATS_TODAY } from '../../src/core/stats/feature.js';
import { staffCodeIn } from '../../src/core/stats/staffLink.js';
import { STAFF_ONLY } from '../../src/core/stats/texts.js';
import { createAccountModule } from '../../src/staff/accountModule.js';
import { createStaffApp } from '../../src/staff/app.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { signIn, type StaffSession } from '../staffSession.js';
import { testService, type TestService } from '../testService.js';
import { BOT_INFO, textUpdate } from './telegramFixtures.js';

const TELEGRAM = { channel: 'telegram', userId: '5550001234' } as const;
const OTHER_TELEGRAM = { channel: 'telegram', userId: '5550009876' } as const;
const ZALO = { channel: 'zalo', userId: '7319046628815502011' } as const;
const WEB = { channel: 'web', userId: 'web-staff-9Qx' } as const;
const SUMMARY = /Thống kê hoàn thành chương trình/;
const LINKED = /Đã liên kết tài khoản (Telegram|Zalo) này với tài khoản cán bộ/;

let services: TestService;
/** The console (real front door, the account module) over the service's stores, on the test's clock. */
let t: { app: Hono; store: TestService['staff']; audit: TestService['audit']; clock: typeof clock };
const clock = fixedClock('2026-12-01T08:00:00.000Z');

beforeEach(async () => {
  clock.set('2026-12-01T08:00:00.000Z');
  services = await testService({ clock });
  const staff = createStaffApp({
    store: services.staff,
    audit: services.audit,
    clock,
    logger: memoryLogger().logger,
    secret: randomBytes(32),
    modules: [createAccountModule({ links: services.staffChats, audit: services.audit, clock })],
  });
  const app = new Hono();
  app.route('/staff', staff);
  t = { app, store: services.staff, audit: services.audit, clock };
});

afterEach(async () => {
  await services?.close();
});

function form(s: StaffSession, fields: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: s.csrfToken, ...fields }).toString(),
  };
}

/** Presses "Liên kết Telegram/Zalo" on the account page and reads the code it shows. */
async function issueCode(s: StaffSession): Promise<string> {
  const res = await t.app.request('/staff/account/link', form(s));
  expect(res.status).toBe(200);
  const code = /\/canbo ([A-Z0-9]{8})/.exec(await res.text())?.[1];
  if (!code) throw new Error('no code on the page');
  return code;
}

async function say(who: Pick<IncomingMessage, 'channel' | 'userId'>, text: string, chat?: 'group'): Promise<string> {
  const replies = await services.engine.handle({ ...who, text, ...(chat && { chat }) });
  return replies.map((r) => r.text).join('\n');
}

async function stats(who: Pick<IncomingMessage, 'channel' | 'userId'>): Promise<string> {
  const replies = await services.engine.handle({ ...who, choice: STATS_TODAY });
  return replies.map((r) => r.text).join('\n');
}

describe('linking a staff member’s chat with a console code', () => {
  it('a code from the console links a Telegram identity; /thongke answers it and nobody else', async () => {
    const admin = await signIn(t, { role: 'admin', id: 'lan', name: 'Nguyễn Thị Lan' });
    expect(await stats(TELEGRAM)).toBe(STAFF_ONLY);

    const code = await issueCode(admin);
    expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/);
    // Telegram turns the slash command into the text the engine reads.
    const update = textUpdate(42, `/canbo ${code}`);
    expect(update.message && inboundOf(update.message, BOT_INFO)).toEqual({ kind: 'engine', text: `/canbo ${code}` });
    expect(await say(TELEGRAM, `/canbo ${code}`)).toMatch(LINKED);

    expect(await stats(TELEGRAM)).toMatch(SUMMARY);
    expect(await say(TELEGRAM, '/thongke')).toMatch(SUMMARY);
    expect(await stats(OTHER_TELEGRAM)).toBe(STAFF_ONLY);
    // The same identity on another channel is another identity.
    expect(await stats({ channel: 'zalo', userId: TELEGRAM.userId })).toBe(STAFF_ONLY);

    // The page now says Telegram is linked, and shows no chat id.
    const page = await (await t.app.request('/staff/account/link', { headers: { cookie: admin.cookie } })).text();
    expect(page).toMatch(/Telegram<\/strong>: đã liên kết từ ngày 01\/12\/2026/);
    expect(page).toContain('Zalo</strong>: chưa liên kết');
    expect(page).not.toContain(TELEGRAM.userId);

    // Audited as the staff member's act, with the channel and never the chat id.
    const lines = await t.audit.recent(20);
    expect(lines.find((l) => l.action === 'staff.chat.link')).toMatchObject({
      actorId: 'lan',
      target: 'lan',
      details: { channel: 'telegram' },
    });
    expect(JSON.stringify(lines)).not.toContain(TELEGRAM.userId);
    expect(JSON.stringify(lines)).not.toContain(code);
  });

  it('stores only a hash of the code, and a used, replaced or expired code links nobody', async () => {
    const admin = await signIn(t, { role: 'admin', id: 'lan' });
    const code = await issueCode(admin);
    const rows = await services.tables.rows('staff_chat_codes');
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(code);

    expect(await say(TELEGRAM, `/canbo ${code}`)).toMatch(LINKED);
    expect(await say(OTHER_TELEGRAM, `/canbo ${code}`)).toMatch(/đã hết hạn hoặc đã được dùng/);
    expect(await stats(OTHER_TELEGRAM)).toBe(STAFF_ONLY);

    // A second code replaces the first (one live code per account).
    const first = await issueCode(admin);
    const second = await issueCode(admin);
    expect(await say(OTHER_TELEGRAM, `/canbo ${first}`)).toMatch(/Mã cán bộ không đúng/);
    // Eleven minutes later the live one has expired.
    clock.set('2026-12-01T08:11:00.000Z');
    expect(await say(OTHER_TELEGRAM, `/canbo ${second}`)).toMatch(/đã hết hạn hoặc đã được dùng/);
    expect(await stats(OTHER_TELEGRAM)).toBe(STAFF_ONLY);
    // A code used within its ten minutes works, typed the way people copy it.
    const third = await issueCode(admin);
    clock.set('2026-12-01T08:20:00.000Z');
    expect(await say(ZALO, `Cán bộ ${third.slice(0, 4)} ${third.slice(4).toLowerCase()}`)).toMatch(LINKED);
    expect(await say(ZALO, '/thongke')).toMatch(SUMMARY);
  });

  it('a disabled account’s link stops working, and its live code too', async () => {
    const team = await signIn(t, { role: 'hamlet', hamletId: 'xom-1', id: 'to-xom-1' });
    expect(await say(TELEGRAM, `/canbo ${await issueCode(team)}`)).toMatch(LINKED);
    const code = await issueCode(team);
    expect(await stats(TELEGRAM)).toMatch(SUMMARY);

    expect(await t.store.disable('to-xom-1', clock.now())).toBe(true);
    expect(await stats(TELEGRAM)).toBe(STAFF_ONLY);
    expect(await say(ZALO, `/canbo ${code}`)).toMatch(/đã hết hạn hoặc đã được dùng/);
    expect(await stats(ZALO)).toBe(STAFF_ONLY);
  });

  it('unlinking in the console ends /thongke for that chat, and is audited', async () => {
    const admin = await signIn(t, { role: 'admin', id: 'lan' });
    expect(await say(TELEGRAM, `/canbo ${await issueCode(admin)}`)).toMatch(LINKED);
    expect(await say(ZALO, `can bo ${await issueCode(admin)}`)).toMatch(LINKED);

    const res = await t.app.request('/staff/account/link/unlink', form(admin, { channel: 'telegram' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/account/link?done=unlinked');
    expect(await stats(TELEGRAM)).toBe(STAFF_ONLY);
    expect(await stats(ZALO)).toMatch(SUMMARY);
    expect((await t.audit.recent(1))[0]).toMatchObject({
      actorId: 'lan',
      action: 'staff.chat.unlink',
      details: { channel: 'telegram' },
    });
    const again = await t.app.request('/staff/account/link/unlink', form(admin, { channel: 'telegram' }));
    expect(again.headers.get('location')).toBe('/staff/account/link?done=none');

    const bad = await t.app.request('/staff/account/link/unlink', form(admin, { channel: 'sms' }));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Chưa chọn đúng kênh cần hủy liên kết');
  });

  it('a chat moved to another account leaves the first one', async () => {
    const lan = await signIn(t, { role: 'admin', id: 'lan' });
    const binh = await signIn(t, { role: 'hamlet', hamletId: 'xom-2', id: 'binh' });
    expect(await say(TELEGRAM, `/canbo ${await issueCode(lan)}`)).toMatch(LINKED);
    expect(await say(TELEGRAM, `/canbo ${await issueCode(binh)}`)).toMatch(LINKED);
    expect(await services.staffChats.linksOf('lan')).toEqual([]);
    expect(await services.staffChats.linksOf('binh')).toEqual([
      { channel: 'telegram', linkedAt: '2026-12-01T08:00:00.000Z' },
    ]);
  });

  it('limits wrong codes per identity like the residents’ link codes', async () => {
    const admin = await signIn(t, { role: 'admin', id: 'lan' });
    for (let i = 0; i < 5; i++) expect(await say(TELEGRAM, '/canbo ABCD2345')).toMatch(/Mã cán bộ không đúng/);
    const code = await issueCode(admin);
    expect(await say(TELEGRAM, `/canbo ${code}`)).toMatch(/nhập sai nhiều lần/);
    expect(await stats(TELEGRAM)).toBe(STAFF_ONLY);
    // The code was not spent: another identity (and the same one, later) may still use it.
    clock.set('2026-12-01T08:09:00.000Z');
    expect(await say(OTHER_TELEGRAM, `/canbo ${code}`)).toMatch(LINKED);
  });

  it('never links in a group, on the web, or from a text that only mentions staff', async () => {
    const admin = await signIn(t, { role: 'admin', id: 'lan' });
    const code = await issueCode(admin);
    const inGroup = await services.engine.handle({ ...TELEGRAM, text: `/canbo ${code}`, chat: 'group' });
    expect(inGroup[0]?.kind).toBe('private-only');
    expect(await say(WEB, `/canbo ${code}`)).toMatch(/chỉ liên kết được với Telegram hoặc Zalo/);
    expect(await say(TELEGRAM, '/canbo')).toMatch(/gõ \/canbo và mã 8 ký tự/);
    expect(await say(TELEGRAM, '/canbo xin ma')).toMatch(/gõ \/canbo và mã 8 ký tự/);
    expect(staffCodeIn('cán bộ xã làm việc mấy giờ')).toBeUndefined();
    expect(staffCodeIn('Cán bộ: k7p2-qx9m')).toEqual({ code: 'K7P2QX9M' });
    expect(staffCodeIn('/canbo@HungChauBot K7P2QX9M')).toEqual({ code: 'K7P2QX9M' });
    // None of those spent the code.
    expect(await say(TELEGRAM, `/canbo ${code}`)).toMatch(LINKED);
  });

  it('cli staff list shows each account’s linked channels, never the chat ids', async () => {
    const admin = await signIn(t, { role: 'admin', id: 'lan', name: 'Nguyễn Thị Lan' });
    await signIn(t, { role: 'hamlet', hamletId: 'xom-1', id: 'to-xom-1', name: 'Tổ Xóm Một' });
    expect(await say(TELEGRAM, `/canbo ${await issueCode(admin)}`)).toMatch(LINKED);
    expect(await say(ZALO, `/canbo ${await issueCode(admin)}`)).toMatch(LINKED);
    // SQLite: the engine's last writes commit in the event loop's check phase (group commit): let them.
    await new Promise((resolve) => setImmediate(resolve));

    let out = '';
    const ctx: CliContext = {
      config: services.config,
      logger: memoryLogger().logger,
      args: [],
      stdout: new Writable({
        write(chunk: Buffer, _enc, cb) {
          out += chunk.toString('utf8');
          cb();
        },
      }),
    };
    expect(await runStaff(ctx, ['list'], clock)).toBe(0);
    expect(out).toContain('lan\tNguyễn Thị Lan\tquản trị viên xã\tđang dùng\tliên kết: Telegram, Zalo');
    expect(out).toContain('to-xom-1\tTổ Xóm Một\ttổ xóm/khối xom-1\tđang dùng\tchưa liên kết chat');
    expect(out).not.toContain(TELEGRAM.userId);
    out = '';
    expect(await runStaff(ctx, ['list', '--json'], clock)).toBe(0);
    expect(out).toContain('"chats":["telegram","zalo"]');
  });
});

describe('the account page over HTTP', () => {
  it('sends a visitor without a session to the login page, before any code is made', async () => {
    const get = await t.app.request('/staff/account/link');
    expect(get.status).toBe(302);
    expect(get.headers.get('location')).toBe('/staff/login');
    const post = await t.app.request('/staff/account/link', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '_csrf=x',
    });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe('/staff/login');
    expect(await services.tables.rows('staff_chat_codes')).toEqual([]);
  });

  it('refuses a post without the session’s CSRF token (403), and makes no code', async () => {
    const admin = await signIn(t, { role: 'admin', id: 'lan' });
    for (const path of ['/staff/account/link', '/staff/account/link/unlink']) {
      const res = await t.app.request(path, {
        method: 'POST',
        headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: 'not-the-token', channel: 'telegram' }).toString(),
      });
      expect(res.status).toBe(403);
    }
    expect(await services.tables.rows('staff_chat_codes')).toEqual([]);
  });

  it('shows the page with the shared navigation, without inline script or style', async () => {
    const admin = await signIn(t, { role: 'admin', id: 'lan' });
    const res = await t.app.request('/staff/account/link', { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<nav class="console-nav"');
    expect(html).toContain('<a href="/staff/account/link" aria-current="page">Tài khoản</a>');
    expect(html).toContain('<button type="submit">Liên kết Telegram/Zalo</button>');
    expect(html).not.toMatch(/<script|\sstyle=|<style/);
    // The code is made only by the button: a page view shows none and then says one is live.
    expect(html).not.toMatch(/\/canbo [A-Z0-9]{8}/);
    await issueCode(admin);
    const later = await (await t.app.request('/staff/account/link', { headers: { cookie: admin.cookie } })).text();
    expect(later).not.toMatch(/\/canbo [A-Z0-9]{8}/);
    expect(later).toContain('còn dùng được đến 15:10');
  });
});
