/**
 * A commune database filled through the real quiz engine for the progress
 * report tests, on the service of test/testService.ts (SQLite or PostgreSQL)
 * or on SQLite services (recentAttempts.test.ts reads SQLite's tables): residents take the bundled core quizzes on the web channel
 * at chosen moments (a fixed clock), their hamlet and group are set through
 * the citizen register, one fails a quiz, and one erases their data so only
 * anonymous counts remain.
 */
import type { CertifiedCount, PopulationCount, PopulationSource } from '../../../src/core/stores/reports.js';
import type { OutgoingReply } from '../../../src/core/messages.js';
import type { CommuneConfig } from '../../../src/content/loadCommune.js';
import type { Engine } from '../../../src/core/conversation/engine.js';
import type { CitizenRepo } from '../../../src/core/ports.js';
import type { Services } from '../../../src/services.js';
import { fixedClock, readyServices } from '../../helpers.js';
import { testService, type TestService } from '../../testService.js';

export const CORE = [
  'vneid-co-ban',
  'dich-vu-cong-truc-tuyen',
  'nhan-dien-lua-dao',
  'an-toan-tai-khoan',
  'phong-trao-bdhvs',
];

export class FakePopulation implements PopulationSource {
  constructor(
    public people: PopulationCount[] = [],
    public certified: CertifiedCount[] = [],
  ) {}
  population(): PopulationCount[] {
    return this.people;
  }
  vneidCertified(): CertifiedCount[] {
    return this.certified;
  }
}

export function communeWithHamlets(base: CommuneConfig): CommuneConfig {
  return {
    ...base,
    hamlets: [
      { id: 'xom-1', name: 'Xóm 1' },
      { id: 'xom-2', name: 'Xóm 2' },
    ],
  };
}

const last = (replies: readonly OutgoingReply[]): OutgoingReply | undefined => replies[replies.length - 1];

/** Takes one quiz to the end on the web channel, answering right (or wrong when `pass` is false). */
export async function takeQuiz(
  s: { readonly engine: Engine },
  userId: string,
  quizId: string,
  pass: boolean,
): Promise<void> {
  const say = (m: { text?: string; choice?: string }) => s.engine.handle({ channel: 'web', userId, ...m });
  let shown = last(await say({ choice: `quiz:go:${quizId}` }));
  if (shown?.buttons?.some((b) => b.value === 'reg:no')) shown = last(await say({ choice: 'reg:no' }));
  for (let i = 0; i < 50 && shown?.quiz; i++) {
    const right = shown.buttons?.[shown.quiz.correctPosition]?.value;
    const wrong = shown.buttons?.find((_, index) => index !== shown?.quiz?.correctPosition)?.value;
    const press = pass ? right : wrong;
    if (!press) throw new Error('no button to press');
    shown = last(await say({ choice: press }));
  }
}

interface Target {
  readonly engine: Engine;
  readonly citizens: CitizenRepo;
}

/** The citizen id of a web resident (who must have one). */
async function citizenIn(t: Target, userId: string): Promise<string> {
  const c = await t.citizens.findByIdentity({ channel: 'web', userId });
  if (!c) throw new Error(`no citizen ${userId}`);
  return c.id;
}

/**
 * an   xom-1 nguoi-dan           all core quizzes, 2026-12-06T16:30Z (Sunday 23:30 in Viet Nam)
 * binh xom-1 nguoi-dan           all core quizzes, 2026-12-06T17:30Z (Monday 00:30 in Viet Nam)
 * chi  xom-2 hoc-sinh-sinh-vien  vneid-co-ban 2026-12-01; nhan-dien-lua-dao failed twice
 * dung xom-2 nguoi-dan           all core quizzes 2026-12-02T03:00Z, then erased (anonymous counts)
 */
async function fill(t: Target, clock: ReturnType<typeof fixedClock>): Promise<void> {
  const profile = async (userId: string, hamlet: string, group: string): Promise<void> => {
    await t.citizens.update(await citizenIn(t, userId), { profile: { hamlet, group } }, clock.now());
  };

  clock.set('2026-12-01T08:00:00.000Z');
  await takeQuiz(t, 'chi', 'vneid-co-ban', true);
  await takeQuiz(t, 'chi', 'nhan-dien-lua-dao', false);
  await takeQuiz(t, 'chi', 'nhan-dien-lua-dao', false);
  await profile('chi', 'xom-2', 'hoc-sinh-sinh-vien');

  clock.set('2026-12-02T03:00:00.000Z');
  for (const q of CORE) await takeQuiz(t, 'dung', q, true);
  await profile('dung', 'xom-2', 'nguoi-dan');

  clock.set('2026-12-06T16:30:00.000Z');
  // Registered in xom-2 first, then moved to xom-1: their counts move with them.
  await takeQuiz(t, 'an', CORE[0] ?? '', true);
  await profile('an', 'xom-2', 'khac');
  for (const q of CORE.slice(1)) await takeQuiz(t, 'an', q, true);
  await profile('an', 'xom-1', 'nguoi-dan');

  clock.set('2026-12-06T17:30:00.000Z');
  for (const q of CORE) await takeQuiz(t, 'binh', q, true);
  await profile('binh', 'xom-1', 'nguoi-dan');

  clock.set('2026-12-07T01:00:00.000Z');
  await t.citizens.erase({ channel: 'web', userId: 'dung' });
}

export interface Fixture {
  readonly services: Services;
  readonly clock: ReturnType<typeof fixedClock>;
  citizenOf(userId: string): string;
}

/** The fixture on SQLite services over `dbPath`. */
export async function buildFixture(dbPath: string): Promise<Fixture> {
  const clock = fixedClock('2026-12-01T08:00:00.000Z');
  const services = await readyServices({ DATABASE_PATH: dbPath }, clock);
  await fill(services, clock);
  const citizenOf = (userId: string): string => {
    const c = services.citizens.findByIdentity({ channel: 'web', userId });
    if (!c) throw new Error(`no citizen ${userId}`);
    return c.id;
  };
  return { services, clock, citizenOf };
}

export interface ServiceFixture {
  readonly service: TestService;
  readonly clock: ReturnType<typeof fixedClock>;
  citizenOf(userId: string): Promise<string>;
}

/** The fixture on the database this run tests (test/testService.ts). */
export async function buildServiceFixture(): Promise<ServiceFixture> {
  const clock = fixedClock('2026-12-01T08:00:00.000Z');
  const service = await testService({ clock });
  try {
    await fill(service, clock);
  } catch (err) {
    await service.close();
    throw err;
  }
  return { service, clock, citizenOf: (userId) => citizenIn(service, userId) };
}
