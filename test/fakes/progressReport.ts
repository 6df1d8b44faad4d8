/**
 * A fixed `ProgressReport` and a fake reports module serving it at
 * `GET /api/report`, so the dashboard is tested before (and apart from) the
 * real report endpoint. The fake records every query it is asked, as the
 * browser sent it, and answers with the fixture whatever the filters.
 */
import { Hono } from 'hono';
import { loadWebAssets } from '../../src/channels/web/assets.js';
import type { NamedItem } from '../../src/core/registry/types.js';
import { createApp } from '../../src/http/app.js';
import type { ProgressReport } from '../../src/reports/progressTypes.js';
import { createDashboardModule } from '../../src/staff/dashboardModule.js';
import type { StaffEnv, StaffModule, StaffPrincipal } from '../../src/staff/types.js';
import { fixedClock, memoryLogger } from '../helpers.js';

export const HAMLETS: readonly NamedItem[] = [
  { id: 'xom-1', name: 'Xóm Đông' },
  { id: 'xom-2', name: 'Xóm Tây' },
];
export const GROUPS: readonly NamedItem[] = [
  { id: 'can-bo-cong-chuc', name: 'Cán bộ, công chức, viên chức và người lao động' },
  { id: 'hoc-sinh-sinh-vien', name: 'Học sinh, sinh viên' },
  { id: 'nguoi-dan', name: 'Người dân trong độ tuổi trưởng thành' },
];

const T80 = { share: 0.8, strict: false };
const T100 = { share: 1, strict: false };
const T60 = { share: 0.6, strict: true };

export const REPORT: ProgressReport = {
  communeName: 'Xã Hùng Châu',
  query: { year: 2026 },
  generatedAt: '2026-12-06T03:00:00.000Z',
  indicators: [
    {
      letter: 'a',
      label: 'Cán bộ, công chức, viên chức được phổ cập kỹ năng số',
      groupId: 'can-bo-cong-chuc',
      completed: 40,
      population: 40,
      share: 1,
      target: T100,
      met: true,
    },
    {
      letter: 'b',
      label: 'Học sinh, sinh viên được phổ cập kỹ năng số',
      groupId: 'hoc-sinh-sinh-vien',
      completed: 150,
      population: 600,
      share: 0.25,
      target: T100,
      met: false,
    },
    {
      letter: 'c',
      label: 'Người dân trưởng thành có kỹ năng số cơ bản',
      groupId: 'nguoi-dan',
      completed: 312,
      population: null,
      share: null,
      target: T100,
      met: null,
    },
    {
      letter: 'd',
      label: 'Người dân được xác nhận trên VNeID',
      groupId: null,
      completed: 700,
      population: 1000,
      share: 0.7,
      target: T60,
      met: true,
    },
    {
      letter: 'đ',
      label: 'Người lao động trong doanh nghiệp, hợp tác xã',
      groupId: 'lao-dong-doanh-nghiep',
      completed: 0,
      population: null,
      share: null,
      target: T100,
      met: null,
    },
  ],
  hamlets: [
    {
      hamletId: 'xom-1',
      hamletName: 'Xóm Đông',
      completed: 91,
      population: 200,
      share: 0.455,
      target: T80,
      met: false,
      groups: [],
    },
    {
      hamletId: 'xom-2',
      hamletName: 'Xóm Tây',
      completed: 35,
      population: null,
      share: null,
      target: T80,
      met: null,
      groups: [],
    },
    {
      hamletId: null,
      hamletName: 'Chưa rõ xóm',
      completed: 12,
      population: null,
      share: null,
      target: null,
      met: null,
      groups: [],
    },
  ],
  groups: [
    {
      groupId: 'nguoi-dan',
      groupName: 'Người dân trong độ tuổi trưởng thành',
      completed: 100,
      population: 125,
      share: 0.8,
      target: T80,
      met: true,
    },
  ],
  total: { completed: 138, population: 1200, share: 0.115, target: T80, met: false },
  weekly: [
    { weekStart: '2026-11-02', completions: 4, passes: 10 },
    { weekStart: '2026-11-09', completions: 9, passes: 21 },
    { weekStart: '2026-11-16', completions: 15, passes: 30 },
    { weekStart: '2026-11-23', completions: 22, passes: 41 },
    { weekStart: '2026-11-30', completions: 30, passes: 52 },
  ],
  quizzes: [{ quizId: 'vneid-co-ban', title: 'VNeID cơ bản', passed: 120, failedAttempts: 33 }],
  failedQuestions: [
    {
      quizId: 'vneid-co-ban',
      questionId: 'q3',
      prompt: 'Mã OTP có được đưa cho người khác không?',
      wrong: 14,
      answered: 60,
    },
  ],
  notes: ['Chưa nhập dân số của Xóm Tây: tỷ lệ chưa tính được.'],
};

/** Serves the fixture at `/api/report` and records each query string. */
export function fakeReportModule(report: ProgressReport, seen: string[]): StaffModule {
  return (router) => {
    router.get('/api/report', (c) => {
      seen.push(new URL(c.req.url).search);
      const q = c.req.query();
      return c.json({ ...report, query: { ...report.query, year: Number(q.year ?? report.query.year) } });
    });
  };
}

export const ADMIN: StaffPrincipal = { id: 'staff-1', name: 'Nguyễn Thị Cán Bộ', role: 'admin' };
export const HAMLET_TEAM: StaffPrincipal = { id: 'staff-2', name: 'Tổ Xóm Tây', role: 'hamlet', hamletId: 'xom-2' };

/**
 * The whole app (its real CSP headers) with a stand-in front door that signs
 * `principal` in, the dashboard, and the fake report module (and the public
 * board, when one is given).
 */
export function dashboardTestApp(principal: StaffPrincipal, report: ProgressReport = REPORT, board?: Hono) {
  const seen: string[] = [];
  const staff = new Hono<StaffEnv>();
  staff.use('*', async (c, next) => {
    c.set('staff', principal);
    c.set('csrfToken', 'test-token');
    await next();
  });
  createDashboardModule({
    commune: () => ({ name: 'Xã Hùng Châu', hamlets: HAMLETS, groups: GROUPS }),
    clock: fixedClock('2026-12-06T03:00:00.000Z'),
  })(staff);
  fakeReportModule(report, seen)(staff);
  // As the console's front door will: a plain Hono app that routes to the StaffEnv router.
  const consoleApp = new Hono().route('/', staff);
  const app = createApp({
    chat: () => Promise.reject(new Error('not used')),
    healthy: () => true,
    assets: loadWebAssets(),
    logger: memoryLogger().logger,
    maxBodyBytes: 4096,
    staff: consoleApp,
    ...(board ? { board } : {}),
  });
  return { app, seen };
}
