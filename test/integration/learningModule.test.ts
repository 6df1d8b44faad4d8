/**
 * The learning loop's console routes in process: who may do what (an
 * administrator decides, a hamlet team reads and flags), what a bad input is
 * told in Vietnamese, the checks on an answer's source, adding a group's
 * questions to an existing FAQ entry, and the page under a strict CSP. On
 * SQLite or PostgreSQL: the module over the stores of test/testService.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLearningModule, type LearningModuleDeps } from '../../src/staff/learningModule.js';
import type { GroupView } from '../../src/staff/learningService.js';
import { fixedClock } from '../helpers.js';
import { testService, type TestService } from '../testService.js';
import { ADMIN, HAMLET, memoryAudit, post, postForm, staffApp } from './learningStaffApp.js';

const ATM = 'nhượng lại thẻ atm cho người khác xài có bị gì không';
const EVENING = 'Lớp học kỹ năng số ở nhà văn hóa xóm có học buổi tối không?';
const ANSWER = 'Lớp học buổi tối mở vào thứ Ba và thứ Năm hằng tuần tại nhà văn hóa các xóm.';

const clock = fixedClock('2026-12-03T02:00:00.000Z');
const audit = memoryAudit();
let s: TestService;
let deps: LearningModuleDeps;
let admin: ReturnType<typeof staffApp>;
let hamlet: ReturnType<typeof staffApp>;

async function openGroups(): Promise<GroupView[]> {
  const res = await admin.request('http://localhost/staff/api/learning/groups');
  return ((await res.json()) as { groups: GroupView[] }).groups;
}

async function groupPath(text: string): Promise<string> {
  const g = (await openGroups()).find((x) => x.wordings.includes(text));
  if (!g) throw new Error(`no open group holds "${text}"`);
  return `/staff/learning/groups/${encodeURIComponent(g.id)}`;
}

function decision(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    question: EVENING,
    answer: ANSWER,
    sourceKind: 'decision',
    decisionTitle: 'Thông báo lịch học của UBND xã',
    signer: 'Chủ tịch UBND xã',
    signedOn: '2026-12-01',
    ...extra,
  };
}

beforeAll(async () => {
  s = await testService({ clock });
  deps = { ...s.learningParts, audit, clock };
  const module = createLearningModule(deps);
  admin = staffApp(module, ADMIN);
  hamlet = staffApp(module, HAMLET);
  await s.engine.handle({ channel: 'web', userId: 'r1', text: EVENING });
  await s.engine.handle({ channel: 'zalo', userId: 'r2', text: ATM });
});
afterAll(async () => {
  await s?.close();
});

describe('roles', () => {
  it('lets a hamlet team read the groups and the weekly figures', async () => {
    expect((await hamlet.request('http://localhost/staff/api/learning/groups')).status).toBe(200);
    expect((await hamlet.request('http://localhost/staff/api/learning/weekly')).status).toBe(200);
  });

  it('refuses a hamlet team approving, attaching, ignoring or reverting, in Vietnamese, whatever the input', async () => {
    const path = await groupPath(EVENING);
    for (const [url, body] of [
      [`${path}/answer`, decision()],
      [`${path}/attach`, { faqId: 'x' }],
      [`${path}/ignore`, {}],
      ['/staff/learning/entries/console_1/revert', {}],
    ] as const) {
      const res = await post(hamlet, url, body);
      expect(res.status, url).toBe(403);
      expect(((await res.json()) as { error: string }).error).toContain('Chỉ quản trị viên của xã');
    }
    expect(audit.entries).toHaveLength(0);
  });

  it('lets a hamlet team flag a question they heard, which then forms a group', async () => {
    const res = await post(hamlet, '/staff/learning/flag', {
      question: 'Xã có lớp học kỹ năng số cho người khiếm thị không?',
    });
    expect(res.status).toBe(200);
    expect(audit.entries.at(-1)).toMatchObject({ actorId: HAMLET.id, action: 'learning.flag' });
    const g = (await openGroups()).find((x) =>
      x.wordings.includes('Xã có lớp học kỹ năng số cho người khiếm thị không?'),
    );
    expect(g).toMatchObject({ kinds: { staff: 1 }, residents: 0 });
  });

  it('lists a question set aside as out of scope, which a hamlet team may flag into the groups', async () => {
    await s.engine.handle({ channel: 'web', userId: 'r9', text: 'giá vàng hôm nay bao nhiêu' });
    const page = await (await hamlet.request('http://localhost/staff/learning')).text();
    const id = /giá vàng hôm nay bao nhiêu[\s\S]*?name="questionId" value="(\d+)"/.exec(page)?.[1];
    expect(id).toBeDefined();
    const res = await postForm(hamlet, '/staff/learning/flag', { questionId: id ?? '' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/learning?done=flagged');
    const g = (await openGroups()).find((x) => x.wordings.includes('giá vàng hôm nay bao nhiêu'));
    expect(g).toMatchObject({ kinds: { flag: 1 }, residents: 1 });
    const again = await (await hamlet.request('http://localhost/staff/learning')).text();
    const setAside = again.slice(again.indexOf('ngoài phạm vi (gần đây)'), again.indexOf('Ghi lại một câu hỏi'));
    expect(setAside).not.toContain('giá vàng');
    const missing = await post(hamlet, '/staff/learning/flag', { questionId: 987654 });
    expect(missing.status).toBe(404);
  });

  it('shows the page without decision forms to a hamlet team, and with them to an administrator', async () => {
    const forHamlet = await (await hamlet.request('http://localhost/staff/learning')).text();
    const forAdmin = await (await admin.request('http://localhost/staff/learning')).text();
    expect(forHamlet).not.toContain('/answer"');
    expect(forHamlet).toContain('/staff/learning/flag');
    expect(forAdmin).toContain('/answer"');
    expect(forAdmin).toContain('name="_csrf" value="test-token"');
  });
});

describe('bad input', () => {
  it('answers 400 with what is wrong, in Vietnamese', async () => {
    const path = await groupPath(EVENING);
    const cases: [Record<string, unknown>, string][] = [
      [decision({ answer: 'ngắn' }), 'Câu trả lời quá ngắn'],
      [decision({ sourceKind: 'fax' }), 'Hãy chọn loại nguồn'],
      [decision({ signer: '' }), 'người ký'],
      [decision({ signedOn: '2026-02-31' }), 'Ngày ký không hợp lệ'],
      [decision({ signedOn: '2027-01-01' }), 'không thể sau ngày hôm nay'],
      [decision({ sourceKind: 'doc', sourceRef: 'khong/co-that.md' }), 'Không có tài liệu "khong/co-that.md"'],
      [decision({ sourceKind: 'url', sourceUrl: 'http://vneid.gov.vn/' }), 'phải bắt đầu bằng https://'],
      [
        decision({ sourceKind: 'url', sourceUrl: 'https://vneid-hotro.com/' }),
        'không nằm trong danh sách trang chính thức',
      ],
    ];
    for (const [body, message] of cases) {
      const res = await post(admin, `${path}/answer`, body);
      expect(res.status, message).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain(message);
    }
    const bad = await post(admin, '/staff/learning/groups/not-an-id/ignore', {});
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('Mã nhóm câu hỏi không hợp lệ.');
    const gone = await post(admin, '/staff/learning/groups/q%3Au999999/ignore', {});
    expect(gone.status).toBe(404);
    const query = await admin.request('http://localhost/staff/api/learning/groups?state=all');
    expect(query.status).toBe(400);
    expect(audit.entries.filter((e) => e.actorId === ADMIN.id)).toHaveLength(0);
  });

  it('shows a form error as a short Vietnamese page with the way back', async () => {
    const path = await groupPath(EVENING);
    const res = await postForm(admin, `${path}/answer`, { question: EVENING, answer: ANSWER, sourceKind: 'doc' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('Hãy chọn tài liệu làm nguồn');
    expect(page).toContain('href="/staff/learning"');
  });
});

describe('sources', () => {
  it('accepts an official address the knowledge folder cites, and cites it in the answer', async () => {
    const path = await groupPath(EVENING);
    const res = await postForm(admin, `${path}/answer`, {
      question: EVENING,
      variants: 'lop ky nang so buoi toi\n',
      answer: ANSWER,
      sourceKind: 'url',
      sourceUrl: 'https://dichvucong.gov.vn/p/home/dvc-trang-chu.html',
      sourceTitle: 'Cổng Dịch vụ công quốc gia',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/learning?done=answered');
    const a = await s.engine.ask(EVENING);
    expect(a.text).toContain('Nguồn: Cổng Dịch vụ công quốc gia – https://dichvucong.gov.vn/p/home/dvc-trang-chu.html');
    expect(audit.entries.at(-1)).toMatchObject({ action: 'faq.approve', details: { source: 'url' } });
  });

  it('accepts an unlisted https address only when staff confirm it, with a warning kept in the revision', async () => {
    await s.engine.handle({ channel: 'web', userId: 'r3', text: 'Wifi miễn phí ở nhà văn hóa xã mật khẩu là gì' });
    const path = await groupPath('Wifi miễn phí ở nhà văn hóa xã mật khẩu là gì');
    const res = await post(admin, `${path}/answer`, {
      question: 'Wifi miễn phí ở nhà văn hóa xã mật khẩu là gì',
      answer: 'Mật khẩu wifi được dán tại bảng tin của nhà văn hóa; bà con hỏi cán bộ trực.',
      sourceKind: 'url',
      sourceUrl: 'https://hungchau.nghean.gov.vn/thong-bao',
      confirmUnlisted: true,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { entryId: string; warning: string };
    expect(body.warning).toContain('không thuộc danh sách trang chính thức');
    const history = await admin.request(`http://localhost/staff/api/learning/entries/${body.entryId}/revisions`);
    const revs = ((await history.json()) as { revisions: { reason: string; authorId: string }[] }).revisions;
    expect(revs[0]?.reason).toContain('đã xác nhận đã kiểm tra');
    expect(revs[0]?.authorId).toBe(ADMIN.id);
  });
});

describe('adding a group to an existing FAQ entry', () => {
  it('makes the bot answer the group with the entry of the knowledge folder, and a revert takes it back', async () => {
    expect((await s.engine.ask(ATM)).confident).toBe(false);
    const path = await groupPath(ATM);
    const res = await post(admin, `${path}/attach`, { faqId: 'atm-ban-cho-thue-tai-khoan-ngan-hang' });
    expect(res.status).toBe(200);
    const { entryId } = (await res.json()) as { entryId: string };
    const a = await s.engine.ask(ATM);
    expect(a).toMatchObject({ kind: 'faq', confident: true, faqId: 'atm-ban-cho-thue-tai-khoan-ngan-hang' });
    expect(a.text).toContain('Nghị định 340/2025/NĐ-CP');

    const undo = await post(admin, `/staff/learning/entries/${entryId}/revert`, { reason: 'Nhầm câu hỏi' });
    expect(undo.status).toBe(200);
    expect((await s.engine.ask(ATM)).confident).toBe(false);
    expect((await openGroups()).some((g) => g.wordings.includes(ATM))).toBe(true);
  });

  it('adds the wordings as a new revision of a console entry, which then answers them', async () => {
    const asked = 'lớp tin học cho người lớn tuổi mở giờ nào';
    expect((await post(admin, '/staff/learning/flag', { question: asked })).status).toBe(200);
    const res = await post(admin, `${await groupPath(asked)}/attach`, { faqId: 'console_1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ entryId: 'console_1', revision: 2 });
    const a = await s.engine.ask(asked);
    expect(a).toMatchObject({ kind: 'faq', faqId: 'console_1' });
  });

  it('adds to the same set of added wordings when a group is attached to it rather than to the folder entry', async () => {
    const first = 'cho người khác mượn tài khoản ngân hàng để nhận tiền hộ thì sao';
    const second = 'giao thẻ ngân hàng cho người quen giữ hộ có vi phạm gì không';
    await post(admin, '/staff/learning/flag', { question: first });
    await post(admin, '/staff/learning/flag', { question: second });
    const a = await post(admin, `${await groupPath(first)}/attach`, { faqId: 'atm-ban-cho-thue-tai-khoan-ngan-hang' });
    const { entryId, revision } = (await a.json()) as { entryId: string; revision: number };
    const b = await post(admin, `${await groupPath(second)}/attach`, { faqId: entryId });
    expect(b.status).toBe(200);
    expect(await b.json()).toMatchObject({ entryId, revision: revision + 1 });
    const live = (await s.learningParts.entries.live(entryId))?.variants ?? [];
    expect(live).toEqual(expect.arrayContaining([first, second]));
    expect(
      s.learningParts.index.faqEntries().find((e) => e.id === 'atm-ban-cho-thue-tai-khoan-ngan-hang')?.variants,
    ).toEqual(expect.arrayContaining([first, second]));
  });

  it('answers 404 for an entry that does not exist', async () => {
    await s.engine.handle({ channel: 'web', userId: 'r5', text: ATM });
    const path = await groupPath(ATM);
    const res = await post(admin, `${path}/attach`, { faqId: 'khong-co-cau-nay' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toContain('khong-co-cau-nay');
  });
});

describe('the page', () => {
  it('has no inline script or style and takes its style from a file', async () => {
    const res = await admin.request('http://localhost/staff/learning');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).not.toMatch(/<script|style=|<style/i);
    expect(page).toContain('<link rel="stylesheet" href="/staff/learning/learning.css"');
    expect(page).toContain('Số liệu theo tuần');
    const css = await admin.request('http://localhost/staff/learning/learning.css');
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('escapes a question written as HTML', async () => {
    await s.engine.handle({ channel: 'web', userId: 'r6', text: '<img src=x onerror=alert(1)> đăng ký lớp học ở đâu' });
    const page = await (await admin.request('http://localhost/staff/learning')).text();
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;img src=x');
  });
});
