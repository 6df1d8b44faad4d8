/**
 * A settings save reaches the running assistant without a restart: the
 * registration form (the bot asking the resident's hamlet) offers a hamlet
 * staff just added in the console, in this process at once and in another
 * process on the same database at its next turn (PostgreSQL: at its next
 * look for changes, every few seconds). Also `cli population`.
 * On SQLite or PostgreSQL (test/testService.ts), through the console of the
 * real server, signed in as an administrator.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPopulation } from '../../src/cli/population.js';
import type { CliContext } from '../../src/cli/index.js';
import type { OutgoingReply } from '../../src/core/messages.js';
import { BUNDLED_KNOWLEDGE, fixedClock, memoryLogger, tempDir, writeTree } from '../helpers.js';
import { signIn } from '../staffSession.js';
import { testService, type TestService } from '../testService.js';

const COMMUNE_YAML = [
  'name: Xã Thử',
  'hamlets:',
  '  - {id: xom-1, name: "Xóm 1"}',
  'groups:',
  '  - {id: nguoi-dan, name: "Người dân trong độ tuổi trưởng thành"}',
  '  - {id: khac, name: "Khác"}',
  'core_quizzes: [vneid-co-ban]',
].join('\n');

let tmp: ReturnType<typeof tempDir>;
let env: Record<string, string>;
const open: TestService[] = [];

beforeEach(() => {
  tmp = tempDir('hocvuso-settings-live-');
  writeTree(tmp.dir, {
    'knowledge/commune.yaml': COMMUNE_YAML,
    'knowledge/quizzes/vneid-co-ban.yaml': readFileSync(join(BUNDLED_KNOWLEDGE, 'quizzes', 'vneid-co-ban.yaml')),
  });
  env = { KNOWLEDGE_DIR: join(tmp.dir, 'knowledge') };
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  tmp.cleanup();
});

/** The service on a fresh database over the test's knowledge folder. */
async function services(): Promise<TestService> {
  const s = await testService({ env });
  open.push(s);
  return s;
}

/** The hamlet buttons the registration form shows a new resident. */
async function hamletButtons(s: Pick<TestService, 'engine'>, userId: string): Promise<string[]> {
  const say = (choice: string): Promise<OutgoingReply[]> => s.engine.handle({ channel: 'web', userId, choice });
  await say('me:profile');
  await say('reg:yes');
  const replies = await say('reg:skip');
  const step = replies[replies.length - 1];
  return (step?.buttons ?? []).map((b) => b.value).filter((v) => v.startsWith('reg:h:'));
}

/** A JSON POST to the real server's console, signed in as an administrator. */
async function consolePost(s: TestService, path: string, body: unknown): Promise<Response> {
  const admin = await signIn(
    { app: s, store: s.staff, clock: fixedClock(new Date().toISOString()) },
    { role: 'admin' },
  );
  return s.request(path, { method: 'POST', headers: admin.headers({ json: true }), body: JSON.stringify(body) });
}

const addXom2 = {
  hamlets: [
    { id: 'xom-1', name: 'Xóm 1', previousId: 'xom-1' },
    { id: 'xom-2', name: 'Xóm 2' },
  ],
};

describe('a hamlet added in the console', () => {
  it('is offered by the registration form of the running service at once', async () => {
    const s = await services();
    expect(await hamletButtons(s, 'lan')).toEqual(['reg:h:xom-1']);
    const res = await consolePost(s, '/staff/settings/hamlets', addXom2);
    expect(res.status).toBe(200);
    expect(await hamletButtons(s, 'nam')).toEqual(['reg:h:xom-1', 'reg:h:xom-2']);
    // And a resident can pick it.
    await s.engine.handle({ channel: 'web', userId: 'nam', choice: 'reg:h:xom-2' });
    expect((await s.citizens.findByIdentity({ channel: 'web', userId: 'nam' }))?.profile.hamlet).toBe('xom-2');
  });

  // SQLite: at its next turn; PostgreSQL: at its next look for changes (every few seconds).
  it('reaches another process on the same database without a restart', async () => {
    const server = await services();
    const other = await server.another();
    expect(await hamletButtons(other, 'lan')).toEqual(['reg:h:xom-1']);
    expect((await consolePost(server, '/staff/settings/hamlets', addXom2)).status).toBe(200);
    await other.lookForChanges();
    expect(await hamletButtons(other, 'nam')).toEqual(['reg:h:xom-1', 'reg:h:xom-2']);
  });

  it('and contacts saved in the console end the next unanswerable reply', async () => {
    const s = await services();
    const res = await consolePost(s, '/staff/settings/contacts', { contacts: { office: { phone: '0238 3000 001' } } });
    expect(res.status).toBe(200);
    expect(s.commune.contacts?.office).toEqual({ phone: '0238 3000 001' });
    const answer = await s.engine.handle({ channel: 'web', userId: 'lan', text: 'xyzzy qwerty plugh' });
    expect(answer.map((r) => r.text).join('\n')).toContain('0238 3000 001');
  });
});

describe('cli population', () => {
  let s: TestService;
  beforeEach(async () => {
    s = await services();
  });

  function ctx(): { ctx: CliContext; out: () => string; err: () => string; stderr: Writable } {
    let out = '';
    let err = '';
    const sink = (append: (s: string) => void) =>
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          append(chunk.toString('utf8'));
          cb();
        },
      });
    return {
      ctx: {
        config: s.config,
        logger: memoryLogger().logger,
        args: [],
        stdout: sink((s) => (out += s)),
      },
      out: () => out,
      err: () => err,
      stderr: sink((s) => (err += s)),
    };
  }

  const figures = () => s.population.population();

  it('prints the template and imports a filled-in copy, saying per hamlet what was imported', async () => {
    const t = ctx();
    expect(await runPopulation(t.ctx, ['template'], { stderr: t.stderr })).toBe(0);
    expect(t.out()).toBe(
      '\uFEFFMã xóm/khối,Tên xóm/khối,Người dân trong độ tuổi trưởng thành,Khác,Người đã được xác nhận trên VNeID\r\n' +
        'xom-1,Xóm 1,,,\r\n',
    );
    const file = join(tmp.dir, 'dan-so.csv');
    writeFileSync(file, t.out().replace('xom-1,Xóm 1,,,', 'xom-1,Xóm 1,1200,15,300'));
    const i = ctx();
    expect(await runPopulation(i.ctx, ['import', file], { stderr: i.stderr })).toBe(0);
    expect(i.out()).toBe(
      `Đã nhập số liệu dân số từ ${file}:\n` +
        '  Xóm 1 (xom-1): 1.215 người trong 2 nhóm đối tượng; 300 người đã xác nhận trên VNeID\n' +
        'Đã thay đổi 3 ô số liệu.\n',
    );
    expect(await figures()).toEqual([
      { hamletId: 'xom-1', groupId: 'khac', people: 15 },
      { hamletId: 'xom-1', groupId: 'nguoi-dan', people: 1200 },
    ]);
  });

  it('exits 1 with line-numbered Vietnamese errors and imports nothing', async () => {
    const file = join(tmp.dir, 'sai.csv');
    writeFileSync(file, 'Mã xóm/khối;Khác\nxom-1;7\nxom-1;8\nxom-2;-1\n');
    const t = ctx();
    expect(await runPopulation(t.ctx, ['import', file], { stderr: t.stderr })).toBe(1);
    expect(t.err()).toBe(
      `Chưa nhập gì từ ${file} vì tệp có chỗ sai:\n` +
        '  - dòng 3: xóm/khối "Xóm 1" (mã xom-1) đã có ở dòng 2\n' +
        '  - dòng 4: không có xóm/khối mã "xom-2" trong danh sách xóm/khối của xã\n',
    );
    expect(t.out()).toBe('');
    expect(await figures()).toEqual([]);
  });

  it('says how to use it when the arguments are wrong', async () => {
    const t = ctx();
    expect(await runPopulation(t.ctx, ['import'], { stderr: t.stderr })).toBe(1);
    expect(t.err()).toContain('Cách dùng: npm run -s cli -- population import TỆP.csv');
  });
});
