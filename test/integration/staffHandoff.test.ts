/**
 * "Hỏi cán bộ" in the staff console, through the real front door (session
 * cookie, CSRF) over the in-memory handoff fakes: who may reach it, what a
 * hamlet team may see, the reply flow with its second confirmation, notes,
 * "Xong", the live feed as a browser reads it, and a reply becoming an FAQ
 * entry through the learning loop's approval.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountModule } from '../../src/staff/accountModule.js';
import { consoleNav } from '../../src/staff/consoleNav.js';
import { createHandoffModule } from '../../src/staff/handoffModule.js';
import { SqliteConsoleFaqRepo } from '../../src/storage/sqlite/consoleFaqRepo.js';
import { openDatabase } from '../../src/storage/sqlite/db.js';
import type { DocumentRow } from '../../src/storage/sqlite/knowledgeIndex.js';
import { SqliteStaffChatLinks } from '../../src/storage/sqlite/staffChatLinkRepo.js';
import { MemoryHandoffActions, MemoryHandoffStore } from '../fakes/handoff.js';
import { fixedClock } from '../helpers.js';
import { signIn, staffTestApp, type StaffSession, type StaffTestApp } from '../staffSession.js';

const HAMLETS = [
  { id: 'xom-1', name: 'Xóm Đông' },
  { id: 'xom-2', name: 'Xóm Tây' },
];
const DOCS: DocumentRow[] = [
  { ref: 'vneid', kind: 'doc', title: 'Hướng dẫn VNeID', url: 'https://vneid.gov.vn/', hash: 'h1' },
];
/** A channel user id that looks like a phone number: it must never reach a page. */
const PHONE_LIKE = '0912345678';

const noAudit = { record: () => undefined };
let t: StaffTestApp;
let store: MemoryHandoffStore;
let actions: MemoryHandoffActions;
let faq: SqliteConsoleFaqRepo;
let published: number;

beforeEach(() => {
  const clock = fixedClock('2026-12-01T08:00:00.000Z');
  store = new MemoryHandoffStore();
  actions = new MemoryHandoffActions(store, clock);
  published = 0;
  const db = openDatabase(':memory:');
  faq = new SqliteConsoleFaqRepo(db, 'hung-chau');
  const module = createHandoffModule({
    store,
    actions,
    audit: { record: (e) => t.audit.record(e) },
    clock,
    learning: { entries: faq, index: { documents: () => DOCS }, publish: () => void published++ },
    hamlets: () => HAMLETS,
    timing: { pollMs: 5, heartbeatMs: 20 },
  });
  // Mounted first, as server.ts should: the account page after it shows the same count in its bar.
  const account = createAccountModule({ links: new SqliteStaffChatLinks(db, 'hung-chau'), audit: noAudit, clock });
  t = staffTestApp({ db, clock, modules: [module, account] });
});

let residents = 0;

/** Opens a thread of a new resident with one message at `at`. */
function thread(hamletId: string | undefined, at: string, text = 'Cho tôi hỏi cán bộ về thẻ BHYT'): number {
  const th = store.open({
    channel: 'zalo',
    userId: `${PHONE_LIKE}${++residents}`,
    reason: 'asked',
    at: new Date(at),
    ...(hamletId !== undefined && { hamletId }),
  });
  store.append(th.id, { author: 'resident', text, at: new Date(at) });
  return th.id;
}

async function get(s: StaffSession | undefined, path: string, headers: Record<string, string> = {}) {
  return t.app.request(path, { headers: { ...(s && { cookie: s.cookie }), ...headers } });
}

function form(s: StaffSession, path: string, fields: Record<string, string>, csrf = true) {
  return t.app.request(path, {
    method: 'POST',
    headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...(csrf && { _csrf: s.csrfToken }), ...fields }).toString(),
  });
}

const auditLines = () => t.audit.recent(50);

describe('access', () => {
  it('sends a visitor without a session to the login page, and refuses a form without its CSRF token', async () => {
    const id = thread('xom-1', '2026-12-01T07:00:00.000Z');
    for (const path of ['/staff/hoi-dap', `/staff/hoi-dap/${id}`, '/staff/hoi-dap/events']) {
      const res = await get(undefined, path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location')).toBe('/staff/login');
    }
    const anon = await t.app.request(`/staff/hoi-dap/${id}/tra-loi`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'text=xin+chao',
    });
    expect([302, 303]).toContain(anon.status);
    const admin = await signIn(t, { role: 'admin' });
    const forged = await form(admin, `/staff/hoi-dap/${id}/tra-loi`, { text: 'Chào anh' }, false);
    expect(forged.status).toBe(403);
    expect(actions.calls).toEqual([]);
    expect(store.messages(id, 0, 10)).toHaveLength(1);
  });

  it('shows a hamlet team only its hamlet’s threads, and 404 for any other by direct address', async () => {
    const mine = thread('xom-1', '2026-12-01T07:00:00.000Z');
    const theirs = thread('xom-2', '2026-12-01T07:10:00.000Z', 'Chuyện riêng của xóm Tây');
    const commune = thread(undefined, '2026-12-01T07:20:00.000Z');
    const team = await signIn(t, { role: 'hamlet', hamletId: 'xom-1' });
    const html = await (await get(team, '/staff/hoi-dap')).text();
    expect(html).toContain(`href="/staff/hoi-dap/${mine}"`);
    expect(html).not.toContain(`href="/staff/hoi-dap/${theirs}"`);
    expect(html).not.toContain(`href="/staff/hoi-dap/${commune}"`);
    for (const id of [theirs, commune, 999]) {
      const res = await get(team, `/staff/hoi-dap/${id}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('Chuyện riêng');
      expect((await get(team, `/staff/hoi-dap/${id}/tin-nhan`)).status).toBe(404);
    }
    for (const action of ['tra-loi', 'ghi-chu', 'xong', 'faq']) {
      const res = await form(team, `/staff/hoi-dap/${theirs}/${action}`, { text: 'Chào anh' });
      expect(res.status, action).toBe(404);
    }
    expect(store.messages(theirs, 0, 10)).toHaveLength(1);
    expect(store.get(theirs, { kind: 'commune' })?.status).toBe('open');
    expect(actions.calls).toEqual([]);
  });
});

describe('the inbox', () => {
  it('lists open threads first, newest activity first, with hamlet, channel, local time and unread count, no numbers', async () => {
    const older = thread('xom-1', '2026-12-01T01:00:00.000Z');
    const newer = thread('xom-2', '2026-12-01T02:30:00.000Z');
    const queue = thread(undefined, '2026-12-01T00:00:00.000Z');
    store.append(older, { author: 'resident', text: 'Còn đó không ạ?', at: new Date('2026-12-01T01:05:00.000Z') });
    store.close(queue, 'someone', new Date('2026-12-01T03:00:00.000Z'));
    const admin = await signIn(t, { role: 'admin' });
    const res = await get(admin, '/staff/hoi-dap');
    expect(res.status).toBe(200);
    const html = await res.text();
    const order = [newer, older, queue].map((id) => html.indexOf(`href="/staff/hoi-dap/${id}"`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain('Xóm Tây');
    expect(html).toContain('Chung của xã');
    expect(html).toContain('Zalo');
    // 02:30 UTC is 09:30 in the commune.
    expect(html).toContain('09:30 01/12/2026');
    expect(html).toMatch(new RegExp(`data-thread="${older}"[\\s\\S]*?data-unread>2<`));
    expect(html).not.toContain(PHONE_LIKE);
    expect(html).not.toMatch(/\sstyle=|<style/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).toContain('<script src="/staff/hoi-dap/handoff.js" defer></script>');
    const js = await get(admin, '/staff/hoi-dap/handoff.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toContain('EventSource');
    const css = await get(admin, '/staff/hoi-dap/handoff.css');
    expect(await css.text()).toContain('.msg-note');
  });

  it('puts "Hỏi cán bộ" in the bar with the open threads the principal may see', async () => {
    thread('xom-1', '2026-12-01T07:00:00.000Z');
    thread('xom-2', '2026-12-01T07:01:00.000Z');
    thread('xom-2', '2026-12-01T07:02:00.000Z');
    store.open({
      channel: 'web',
      userId: 'w1',
      hamletId: 'xom-2',
      reason: 'offered',
      at: new Date('2026-12-01T07:40:00.000Z'),
    });
    const admin = await signIn(t, { role: 'admin' });
    const team = await signIn(t, { role: 'hamlet', hamletId: 'xom-1' });
    const adminNav = await (await get(admin, '/staff/hoi-dap')).text();
    expect(adminNav).toContain('<a href="/staff/hoi-dap" aria-current="page">Hỏi cán bộ</a>');
    expect(adminNav).toMatch(/data-handoff-count aria-label="4 cuộc đang chờ">4</);
    const teamNav = await (await get(team, '/staff/hoi-dap')).text();
    expect(teamNav).toMatch(/data-handoff-count aria-label="1 cuộc đang chờ">1</);
    // Another console page, mounted after the handoff module, carries the same count.
    const account = await (await get(team, '/staff/account/link')).text();
    expect(account).toContain('<a href="/staff/hoi-dap">Hỏi cán bộ</a>');
    expect(account).toMatch(/data-handoff-count aria-label="1 cuộc đang chờ">1</);
    // A console without the handoff module offers no dead link.
    expect(consoleNav({ principal: team.principal, csrfToken: 'x' })).not.toContain('hoi-dap');
  });
});

describe('a conversation', () => {
  it('shows the messages in order, each author styled apart, with the delivery state of replies', async () => {
    const id = thread('xom-1', '2026-12-01T07:00:00.000Z', 'Làm sao cài VNeID?');
    const sent = await actions.reply(id, { kind: 'commune' }, 'lan', 'Anh tải ứng dụng VNeID trên kho ứng dụng.', {
      confirmed: false,
    });
    const held = await actions.reply(id, { kind: 'commune' }, 'lan', 'Anh nhắn lại để nhận tin nhé.', {
      confirmed: false,
    });
    const failed = await actions.reply(id, { kind: 'commune' }, 'lan', 'Tin này không đi được.', { confirmed: false });
    const pending = await actions.reply(id, { kind: 'commune' }, 'lan', 'Tin này đang đi.', { confirmed: false });
    await actions.note(id, { kind: 'commune' }, 'lan', 'Người dân lớn tuổi, nên gọi điện.');
    if (!sent.ok || !held.ok || !failed.ok || !pending.ok) throw new Error('replies refused');
    store.deliver(sent.message.id, 'sent');
    store.deliver(held.message.id, 'held');
    store.deliver(failed.message.id, 'failed');
    const admin = await signIn(t, { role: 'admin' });
    const html = await (await get(admin, `/staff/hoi-dap/${id}`)).text();
    const classes = [...html.matchAll(/<li class="msg (msg-[a-z]+)"/g)].map((m) => m[1]);
    expect(classes).toEqual(['msg-resident', 'msg-staff', 'msg-staff', 'msg-staff', 'msg-staff', 'msg-note']);
    expect(html).toContain('data-delivery="sent">đã gửi<');
    expect(html).toContain('data-delivery="held">đang chờ người dân nhắn lại<');
    expect(html).toContain('data-delivery="failed">gửi không được<');
    expect(html).toContain('data-delivery="pending">đang gửi<');
    expect(html).toContain('Ghi chú nội bộ (người dân không thấy)');
    // An admin may save a reply as an FAQ entry: the question is the resident's message before it.
    expect(html).toContain('Lưu thành câu hỏi thường gặp');
    expect(html).toMatch(/name="question"[^>]*>Làm sao cài VNeID\?<\/textarea>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    const team = await signIn(t, { role: 'hamlet', hamletId: 'xom-1' });
    const teamHtml = await (await get(team, `/staff/hoi-dap/${id}`)).text();
    expect(teamHtml).toContain('Tin này đang đi.');
    expect(teamHtml).not.toContain('Lưu thành câu hỏi thường gặp');
    const json = (await (await get(team, `/staff/hoi-dap/${id}/tin-nhan?sau=1`)).json()) as {
      messages: { id: number; author: string; deliveryText: string }[];
    };
    expect(json.messages.map((m) => m.author)).toEqual(['staff', 'staff', 'staff', 'staff', 'note']);
    expect(json.messages[1]?.deliveryText).toBe('đang chờ người dân nhắn lại');
  });

  it('sends a reply, audits it without its text, and goes back to the conversation', async () => {
    const id = thread('xom-1', '2026-12-01T07:00:00.000Z');
    const team = await signIn(t, { role: 'hamlet', hamletId: 'xom-1', id: 'to-xom-1' });
    const res = await form(team, `/staff/hoi-dap/${id}/tra-loi`, { text: '  Chào bác, bác cần hỏi gì ạ?  ' });
    expect(res.status).toBe(303);
    const last = store.messages(id, 0, 10).at(-1);
    expect(last).toMatchObject({ author: 'staff', text: 'Chào bác, bác cần hỏi gì ạ?', staffId: 'to-xom-1' });
    expect(res.headers.get('location')).toBe(`/staff/hoi-dap/${id}#m${last?.id}`);
    const line = auditLines().find((l) => l.action === 'handoff.reply');
    expect(line).toMatchObject({ actorId: 'to-xom-1', target: String(id) });
    expect(line?.details).toEqual({ message: last?.id, length: 27, confirmed: false });
    expect(JSON.stringify(auditLines())).not.toContain('Chào bác');
  });

  it('asks a second confirmation for an OTP, a password or an outside link, keeping the text', async () => {
    const id = thread('xom-1', '2026-12-01T07:00:00.000Z');
    const admin = await signIn(t, { role: 'admin' });
    const text = 'Bác đọc giúp mã OTP và mật khẩu, rồi vào https://vi-du.example/dang-nhap nhé';
    const asked = await form(admin, `/staff/hoi-dap/${id}/tra-loi`, { text });
    expect(asked.status).toBe(200);
    const html = await asked.text();
    expect(html).toContain('mã OTP, mật khẩu, đường link ngoài danh sách cho phép');
    expect(html).toMatch(/<input type="hidden" name="text" value="Bác đọc giúp mã OTP[^"]*" \/>/);
    expect(html).toContain('<input type="hidden" name="confirmed" value="1" />');
    expect(html).toContain('Vẫn gửi');
    expect(html).toMatch(/<textarea id="reply-text"[^>]*>Bác đọc giúp mã OTP/);
    expect(store.messages(id, 0, 10)).toHaveLength(1);
    expect(auditLines().some((l) => l.action === 'handoff.reply')).toBe(false);

    const confirmed = await form(admin, `/staff/hoi-dap/${id}/tra-loi`, { text, confirmed: '1' });
    expect(confirmed.status).toBe(303);
    expect(store.messages(id, 0, 10).at(-1)).toMatchObject({ author: 'staff', text });
    expect(actions.calls.map((c) => c.confirmed)).toEqual([false, true]);
    expect(auditLines().find((l) => l.action === 'handoff.reply')?.details).toMatchObject({ confirmed: true });
  });

  it('refuses an empty or too long reply in Vietnamese, showing again what was typed', async () => {
    const id = thread('xom-1', '2026-12-01T07:00:00.000Z');
    const admin = await signIn(t, { role: 'admin' });
    const empty = await form(admin, `/staff/hoi-dap/${id}/tra-loi`, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Hãy nhập nội dung tin nhắn.');
    const long = `Bắt đầu ${'a'.repeat(2000)}`;
    const tooLong = await form(admin, `/staff/hoi-dap/${id}/tra-loi`, { text: long });
    expect(tooLong.status).toBe(400);
    const html = await tooLong.text();
    expect(html).toContain('Tin nhắn quá dài (tối đa 2000 ký tự).');
    expect(html).toContain(`>${long}</textarea>`);
    const badNote = await form(admin, `/staff/hoi-dap/${id}/ghi-chu`, {});
    expect(badNote.status).toBe(400);
    expect(await badNote.text()).toContain('Hãy nhập nội dung ghi chú.');
    expect(actions.calls).toEqual([]);
    expect((await get(admin, '/staff/hoi-dap/12abc')).status).toBe(404);
  });

  it('keeps a private note in the thread only, audited by length', async () => {
    const id = thread('xom-1', '2026-12-01T07:00:00.000Z');
    const admin = await signIn(t, { role: 'admin' });
    const res = await form(admin, `/staff/hoi-dap/${id}/ghi-chu`, { text: 'Hẹn gọi lại chiều nay.' });
    expect(res.status).toBe(303);
    expect(store.messages(id, 0, 10).at(-1)).toMatchObject({ author: 'note', delivery: 'none' });
    expect(actions.calls).toEqual([{ kind: 'note', threadId: id, staffId: admin.accountId }]);
    expect(auditLines().find((l) => l.action === 'handoff.note')?.details).toMatchObject({ length: 22 });
  });

  it('"Xong" closes the thread, after which a reply is refused and kept on the page', async () => {
    const id = thread('xom-1', '2026-12-01T07:00:00.000Z');
    const admin = await signIn(t, { role: 'admin' });
    const done = await form(admin, `/staff/hoi-dap/${id}/xong`, {});
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/staff/hoi-dap?xong=1');
    expect(await (await get(admin, '/staff/hoi-dap?xong=1')).text()).toContain(
      'Đã trả cuộc trò chuyện lại cho trợ lý.',
    );
    expect(store.get(id, { kind: 'commune' })?.status).toBe('closed');
    expect(auditLines().find((l) => l.action === 'handoff.close')).toMatchObject({ target: String(id) });
    const page = await (await get(admin, `/staff/hoi-dap/${id}`)).text();
    expect(page).not.toContain('id="reply-text"');
    expect(page).toContain('Cuộc trò chuyện đã xong');
    const late = await form(admin, `/staff/hoi-dap/${id}/tra-loi`, { text: 'Bác ơi, còn một việc nữa' });
    expect(late.status).toBe(409);
    const html = await late.text();
    expect(html).toContain('đã xong nên không gửi thêm được');
    expect(html).toContain('>Bác ơi, còn một việc nữa</textarea>');
    expect((await form(admin, `/staff/hoi-dap/${id}/xong`, {})).status).toBe(409);
  });
});

/** Reads server-sent events from a response until `until` holds for the events read so far. */
async function readEvents(
  res: Response,
  until: (events: { event?: string; id?: string; data?: string; comment?: boolean }[]) => boolean,
) {
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = res.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  const events: { event?: string; id?: string; data?: string; comment?: boolean }[] = [];
  let buffer = '';
  while (!until(events)) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const e: { event?: string; id?: string; data?: string; comment?: boolean } = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) e.comment = true;
        else if (line.startsWith('event: ')) e.event = line.slice(7);
        else if (line.startsWith('id: ')) e.id = line.slice(4);
        else if (line.startsWith('data: ')) e.data = line.slice(6);
      }
      events.push(e);
    }
  }
  await reader.cancel();
  return events;
}

describe('the live feed', () => {
  it('streams the new messages and threads the principal may see, and nothing of another hamlet', async () => {
    const mine = thread('xom-1', '2026-12-01T07:00:00.000Z');
    const theirs = thread('xom-2', '2026-12-01T07:00:00.000Z');
    const team = await signIn(t, { role: 'hamlet', hamletId: 'xom-1' });
    const abort = new AbortController();
    const res = await t.app.request('/staff/hoi-dap/events', {
      headers: { cookie: team.cookie },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    store.append(theirs, { author: 'resident', text: 'Tin của xóm Tây', at: new Date('2026-12-01T07:40:00.000Z') });
    const m = store.append(mine, {
      author: 'resident',
      text: 'Tôi đây, cán bộ ơi',
      at: new Date('2026-12-01T08:00:00.000Z'),
    });
    const fresh = thread('xom-1', '2026-12-01T07:30:00.000Z', 'Người mới');
    const events = await readEvents(res, (es) => es.some((e) => e.event === 'thread'));
    abort.abort();
    const messages = events.filter((e) => e.event === 'message');
    expect(messages[0]?.id).toBe(String(m.id));
    expect(JSON.parse(messages[0]?.data ?? '{}')).toMatchObject({
      threadId: mine,
      author: 'resident',
      text: 'Tôi đây, cán bộ ơi',
      time: '15:00 01/12/2026',
    });
    const news = JSON.parse(events.find((e) => e.event === 'thread')?.data ?? '{}') as Record<string, unknown>;
    expect(news).toMatchObject({ id: fresh, hamlet: 'Xóm Đông', channel: 'Zalo', url: `/staff/hoi-dap/${fresh}` });
    expect(JSON.stringify(events)).not.toContain('xóm Tây');
    expect(JSON.stringify(events)).not.toContain(PHONE_LIKE);
  });

  it('resumes after Last-Event-ID, counts the open threads, and keeps a quiet stream alive with comments', async () => {
    const id = thread('xom-1', '2026-12-01T07:00:00.000Z');
    const second = store.append(id, {
      author: 'resident',
      text: 'Tin thứ hai',
      at: new Date('2026-12-01T07:40:00.000Z'),
    });
    const admin = await signIn(t, { role: 'admin' });
    const res = await t.app.request('/staff/hoi-dap/events', {
      headers: { cookie: admin.cookie, 'last-event-id': String(second.id - 1) },
    });
    const events = await readEvents(res, (es) => es.some((e) => e.comment === true));
    const messages = events.filter((e) => e.event === 'message');
    expect(messages.map((e) => e.id)).toEqual([String(second.id)]);
    expect(JSON.parse(events.find((e) => e.event === 'count')?.data ?? '{}')).toEqual({ open: 1 });
    expect(events[0]?.event).toBe('ready');
    const bad = await get(admin, '/staff/hoi-dap/events?sau=abc');
    expect(bad.status).toBe(400);
  });

  it('stops reading the store once the client has gone', async () => {
    thread('xom-1', '2026-12-01T07:00:00.000Z');
    let reads = 0;
    const since = store.since.bind(store);
    store.since = (...args) => {
      reads++;
      return since(...args);
    };
    const admin = await signIn(t, { role: 'admin' });
    const abort = new AbortController();
    const res = await t.app.request('/staff/hoi-dap/events?sau=0', {
      headers: { cookie: admin.cookie },
      signal: abort.signal,
    });
    await readEvents(res, (es) => es.some((e) => e.event === 'message'));
    abort.abort();
    await new Promise((r) => setTimeout(r, 30));
    const after = reads;
    await new Promise((r) => setTimeout(r, 50));
    expect(reads).toBe(after);
  });
});

describe('saving a reply as an FAQ entry', () => {
  function faqFields(messageId: number, extra: Record<string, string> = {}): Record<string, string> {
    return {
      messageId: String(messageId),
      question: 'Làm sao cài VNeID?',
      answer: 'Tải ứng dụng VNeID trên kho ứng dụng của điện thoại rồi đăng ký tài khoản mức 1.',
      sourceKind: 'decision',
      decisionTitle: 'Thông báo hướng dẫn cài VNeID của UBND xã',
      signer: 'Chủ tịch UBND xã',
      signedOn: '2026-11-20',
      ...extra,
    };
  }

  async function replied(): Promise<{ id: number; question: number; reply: number }> {
    const id = thread('xom-1', '2026-12-01T07:00:00.000Z', 'Làm sao cài VNeID?');
    const r = await actions.reply(id, { kind: 'commune' }, 'lan', 'Tải ứng dụng VNeID trên kho ứng dụng.', {
      confirmed: false,
    });
    if (!r.ok) throw new Error('reply refused');
    return { id, question: r.message.id - 1, reply: r.message.id };
  }

  it('goes through the learning loop: stored as a revision, published, audited with ids only', async () => {
    const { id, reply } = await replied();
    const admin = await signIn(t, { role: 'admin' });
    const res = await form(admin, `/staff/hoi-dap/${id}/faq`, faqFields(reply, { variants: 'cài vneid thế nào' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/staff/hoi-dap/${id}?xong=faq#m${reply}`);
    const [entryId] = faq.allIds();
    expect(entryId).toBeDefined();
    expect(faq.live(entryId ?? '')).toMatchObject({
      question: 'Làm sao cài VNeID?',
      variants: ['cài vneid thế nào'],
      source: { kind: 'decision', signer: 'Chủ tịch UBND xã', date: '2026-11-20' },
      authorId: admin.accountId,
    });
    expect(published).toBe(1);
    const line = auditLines().find((l) => l.action === 'faq.approve');
    expect(line).toMatchObject({ target: entryId, actorId: admin.accountId });
    expect(line?.details).toMatchObject({ handoffThread: id, message: reply, source: 'decision', revision: 1 });
    expect(JSON.stringify(line)).not.toContain('VNeID');
    const after = await (await get(admin, `/staff/hoi-dap/${id}?xong=faq`)).text();
    expect(after).toContain('Đã lưu thành câu hỏi thường gặp');
  });

  it('asks for a source as the learning loop does, keeping the form as typed', async () => {
    const { id, reply } = await replied();
    const admin = await signIn(t, { role: 'admin' });
    const res = await form(admin, `/staff/hoi-dap/${id}/faq`, faqFields(reply, { sourceKind: 'doc', sourceRef: '' }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Hãy chọn tài liệu làm nguồn cho câu trả lời.');
    expect(html).toMatch(/<details class="faq" open>/);
    expect(html).toContain('Tải ứng dụng VNeID trên kho ứng dụng của điện thoại');
    expect(html).toContain('<option value="vneid"');
    expect(faq.allIds()).toEqual([]);
    expect(published).toBe(0);
  });

  it('saves only a staff reply of this conversation, and only for an administrator', async () => {
    const { id, question, reply } = await replied();
    const admin = await signIn(t, { role: 'admin' });
    const wrong = await form(admin, `/staff/hoi-dap/${id}/faq`, faqFields(question));
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('Chỉ lưu được câu trả lời của cán bộ trong cuộc trò chuyện này.');
    const badId = await form(admin, `/staff/hoi-dap/${id}/faq`, faqFields(reply, { messageId: 'x' }));
    expect(badId.status).toBe(400);
    expect(await badId.text()).toContain('Mã tin nhắn không hợp lệ.');
    const team = await signIn(t, { role: 'hamlet', hamletId: 'xom-1' });
    const refused = await form(team, `/staff/hoi-dap/${id}/faq`, faqFields(reply));
    expect(refused.status).toBe(403);
    expect(faq.allIds()).toEqual([]);
  });
});
