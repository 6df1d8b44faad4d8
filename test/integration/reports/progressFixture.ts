/**
 * A commune database filled through the real quiz engine for the progress
 * report tests: residents take the bundled core quizzes on the web channel
 * at chosen moments (a fixed clock), their hamlet and group are set through
 * the citizen register, one fails a quiz, and one erases their data so only
 * anonymous counts remain.
 */
import type { CertifiedCount, PopulationCount, PopulationSource } from '../../../src/core/stores/reports.js';
import type { OutgoingReply } from '../../../src/core/messages.js';
import type { CommuneConfig } from '../../../src/content/loadCommune.js';
import type { Services } from '../../../src/services.js';
import { fixedClock, readyServices } from '../../helpers.js';

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
export async function takeQuiz(s: Services, userId: string, quizId: string, pass: boolean): Promise<void> {
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

export interface Fixture {
  readonly services: Services;
  readonly clock: ReturnType<typeof fixedClock>;
  citizenOf(userId: string): string;
}

/**
 * an   xom-1 nguoi-dan           all core quizzes, 2026-12-06T16:30Z (Sunday 23:30 in Viet Nam)
 * binh xom-1 nguoi-dan           all core quizzes, 2026-12-06T17:30Z (Monday 00:30 in Viet Nam)
 * chi  xom-2 hoc-sinh-sinh-vien  vneid-co-ban 2026-12-01; nhan-dien-lua-dao failed twice
 * dung xom-2 nguoi-dan           all core quizzes 2026-12-02T03:00Z, then erased (anonymous counts)
 */
export async function buildFixture(dbPath: string): Promise<Fixture> {
  const clock = fixedClock('2026-12-01T08:00:00.000Z');
  const services = await readyServices({ DATABASE_PATH: dbPath }, clock);
  const citizenOf = (userId: string): string => {
    const c = services.citizens.findByIdentity({ channel: 'web', userId });
    if (!c) throw new Error(`no citizen ${userId}`);
    return c.id;
  };
  const profile = (userId: string, hamlet: string, group: string): void =>
    services.citizens.update(citizenOf(userId), { profile: { hamlet, group } }, clock.now());

  clock.set('2026-12-01T08:00:00.000Z');
  await takeQuiz(services, 'chi', 'vneid-co-ban', true);
  await takeQuiz(services, 'chi', 'nhan-dien-lua-dao', false);
  await takeQuiz(services, 'chi', 'nhan-dien-lua-dao', false);
  profile('chi', 'xom-2', 'hoc-sinh-sinh-vien');

  clock.set('2026-12-02T03:00:00.000Z');
  for (const q of CORE) await takeQuiz(services, 'dung', q, true);
  profile('dung', 'xom-2', 'nguoi-dan');

  clock.set('2026-12-06T16:30:00.000Z');
  // Registered in xom-2 first, then moved to xom-1: their counts move with them.
  await takeQuiz(services, 'an', CORE[0] ?? '', true);
  profile('an', 'xom-2', 'khac');
  for (const q of CORE.slice(1)) await takeQuiz(services, 'an', q, true);
  profile('an', 'xom-1', 'nguoi-dan');

  clock.set('2026-12-06T17:30:00.000Z');
  for (const q of CORE) await takeQuiz(services, 'binh', q, true);
  profile('binh', 'xom-1', 'nguoi-dan');

  clock.set('2026-12-07T01:00:00.000Z');
  services.citizens.erase({ channel: 'web', userId: 'dung' });
  return { services, clock, citizenOf };
}
