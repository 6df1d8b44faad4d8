/**
 * The learning loop end to end, through the real engine: a resident's
 * question gets "not sure", staff answer its group with a source, and the
 * same question, and a reworded one, now get the staff answer with that
 * source at once, also in a second process on the same database and after a
 * forced re-ingest of the knowledge folder; a revert brings the previous
 * state back; an ignored group stays ignored as new similar questions come.
 * On SQLite or PostgreSQL (test/testService.ts), through the console of the
 * real server, signed in as an administrator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupView } from '../../src/staff/learningService.js';
import { fixedClock } from '../helpers.js';
import { signIn, type StaffSession } from '../staffSession.js';
import { testService, type TestService } from '../testService.js';

const Q = 'Lớp học kỹ năng số ở nhà văn hóa xóm có học buổi tối không?';
const Q_NO_MARKS = 'lop hoc ky nang so o nha van hoa xom co hoc buoi toi ko';
const Q_REWORDED = 'nhà văn hóa xóm có mở lớp học kỹ năng số vào buổi tối không ạ';
const WIFI = 'Wifi miễn phí ở nhà văn hóa xã mật khẩu là gì';
const ANSWER =
  'Lớp học kỹ năng số ở nhà văn hóa các xóm học vào buổi tối thứ Ba và thứ Năm hằng tuần, từ 19 giờ 30 đến 21 giờ.';

/**
 * The console of the real server reads the system clock (decisions, the
 * weekly figures), so the residents' clock starts at the real time too.
 */
const START = new Date();
const clock = fixedClock(START.toISOString());
let s: TestService;
let admin: StaffSession;

/** A JSON POST of the signed-in administrator. */
const post = (path: string, body: unknown): Promise<Response> =>
  s.request(path, { method: 'POST', headers: admin.headers({ json: true }), body: JSON.stringify(body) });
const get = (path: string): Promise<Response> => s.request(path, { headers: admin.headers() });

async function groups(state = 'open'): Promise<(GroupView & { candidates: { ref: string }[] })[]> {
  const res = await get(`/staff/api/learning/groups?state=${state}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { groups: (GroupView & { candidates: { ref: string }[] })[] }).groups;
}

function groupWith<G extends GroupView>(list: readonly G[], text: string): G | undefined {
  return list.find((g) => g.wordings.includes(text));
}

beforeAll(async () => {
  s = await testService({ clock });
  admin = await signIn({ app: s, store: s.staff, clock: fixedClock(START.toISOString()) }, { role: 'admin' });
});
afterAll(async () => {
  await s?.close();
});

describe('a question the assistant was not sure about, answered by staff', () => {
  let entryId = '';

  it('is not sure at first, and the group counts the residents who asked', async () => {
    for (const [user, text] of [
      ['r1', Q],
      ['r2', Q_NO_MARKS],
      ['r2', Q],
      ['r3', WIFI],
      ['r4', 'giá vàng hôm nay bao nhiêu'],
    ] as const) {
      await s.engine.handle({ channel: 'web', userId: user, text });
    }
    expect((await s.engine.ask(Q)).confident).toBe(false);
    const open = await groups();
    const g = groupWith(open, Q);
    expect(g).toMatchObject({ questions: 3, residents: 2, state: 'open' });
    expect(g?.wordings).toContain(Q_NO_MARKS);
    expect(g?.candidates.length).toBeGreaterThan(0);
    // Out-of-scope questions are not gaps to fill: they are not grouped unless flagged.
    expect(open.some((x) => x.wordings.some((w) => w.includes('giá vàng')))).toBe(false);
  });

  it('answers with the staff answer and its source once approved, for the same and a reworded question', async () => {
    const g = groupWith(await groups(), Q);
    const res = await post(`/staff/learning/groups/${encodeURIComponent(g?.id ?? '')}/answer`, {
      question: Q,
      variants: [Q_NO_MARKS],
      answer: ANSWER,
      sourceKind: 'decision',
      decisionTitle: 'Thông báo lịch học lớp kỹ năng số của UBND xã Hùng Châu',
      signer: 'Chủ tịch UBND xã',
      signedOn: '2026-12-01',
      reason: 'Người dân hỏi nhiều',
    });
    expect(res.status).toBe(200);
    entryId = ((await res.json()) as { entryId: string }).entryId;
    expect(entryId).toBe('console_1');

    for (const q of [Q, Q_NO_MARKS, Q_REWORDED]) {
      const a = await s.engine.ask(q);
      expect(a.confident, q).toBe(true);
      expect(a.text).toContain('thứ Ba và thứ Năm');
      expect(a.text).toContain('Nguồn: Thông báo lịch học lớp kỹ năng số của UBND xã Hùng Châu');
      expect(a.text).toContain('Chủ tịch UBND xã ký ngày 01/12/2026');
      expect(a.sources[0]?.ref).toBe('@console/source/console_1');
    }
    expect(groupWith(await groups(), Q)).toBeUndefined();
    expect(groupWith(await groups('answered'), Q)).toMatchObject({ entryId: 'console_1' });
    expect((await s.audit.recent(1))[0]).toMatchObject({
      actorId: admin.accountId,
      action: 'faq.approve',
      target: 'console_1',
    });
  });

  it('is live in another process on the same database without a restart', async () => {
    const other = await s.another();
    const a = await other.engine.ask(Q_NO_MARKS);
    expect(a.text).toContain('thứ Ba và thứ Năm');
  });

  it('survives a forced re-ingest of the knowledge folder', async () => {
    await s.ingest({ force: true });
    const a = await s.engine.ask(Q);
    expect(a.text).toContain('thứ Ba và thứ Năm');
  });

  it('counts the question in the weekly figures as answered by an approved entry', async () => {
    await s.engine.handle({ channel: 'web', userId: 'r5', text: Q });
    const res = await get('/staff/api/learning/weekly?weeks=2');
    const weeks = (
      (await res.json()) as {
        weeks: { asked: number; byConsole: number; groupsAnswered: number; medianDaysToAnswer: number | null }[];
      }
    ).weeks;
    const now = weeks.at(-1);
    expect(now?.byConsole).toBe(1);
    expect(now?.asked).toBeGreaterThanOrEqual(5);
    expect(now?.groupsAnswered).toBe(1);
    expect(now?.medianDaysToAnswer).toBe(0);
  });

  it('goes back to "not sure" after a revert, and the group is open again', async () => {
    const res = await post(`/staff/learning/entries/${entryId}/revert`, { reason: 'Lịch học thay đổi' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ reverted: 1, live: null });
    const a = await s.engine.ask(Q);
    expect(a.confident).toBe(false);
    expect(a.text).not.toContain('thứ Ba và thứ Năm');
    expect(groupWith(await groups(), Q)).toBeDefined();
    const history = await get(`/staff/api/learning/entries/${entryId}/revisions`);
    const body = (await history.json()) as {
      revisions: { status: string; revertedBy: string; revertReason: string }[];
    };
    expect(body.revisions[0]).toMatchObject({
      status: 'reverted',
      revertedBy: admin.accountId,
      revertReason: 'Lịch học thay đổi',
    });
  });
});

describe('an ignored group', () => {
  it('stays ignored, and new similar questions join it hidden', async () => {
    const wifi = groupWith(await groups(), WIFI);
    expect(wifi).toBeDefined();
    const res = await post(`/staff/learning/groups/${encodeURIComponent(wifi?.id ?? '')}/ignore`, {
      reason: 'Không thuộc phạm vi trợ lý',
    });
    expect(res.status).toBe(200);
    clock.set(new Date(START.getTime() + 86_400_000).toISOString()); // a day after the decision
    await s.engine.handle({ channel: 'zalo', userId: 'z9', text: 'mat khau wifi mien phi o nha van hoa xa la gi' });
    const open = await groups();
    expect(open.some((g) => g.wordings.some((w) => /wifi/i.test(w)))).toBe(false);
    const ignored = groupWith(await groups('ignored'), WIFI);
    expect(ignored).toMatchObject({ id: wifi?.id, questions: 2, residents: 2, sinceDecision: 1 });
  });
});
