/**
 * `cli commune add|list` on SQLite (issue 20 item 3): add makes the row and
 * `knowledge/communes/<id>/commune.yaml` from the starter (name, plan groups,
 * nothing invented) and says what to do next; a second add changes nothing;
 * a bad id or name gets a Vietnamese message; list shows each commune's file.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCommune } from '../../src/cli/commune.js';
import { runQuiz } from '../../src/cli/quiz.js';
import type { CliContext } from '../../src/cli/index.js';
import { DEFAULT_COMMUNE, parseCommune } from '../../src/content/loadCommune.js';
import { ensureCommune, openDatabase } from '../../src/storage/sqlite/db.js';
import { memoryLogger, runCli, tempDir, testConfig, writeTree } from '../helpers.js';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

describe('cli commune', () => {
  let tmp: { dir: string; cleanup: () => void };
  let dbPath: string;
  let knowledge: string;

  beforeEach(() => {
    tmp = tempDir('hocvuso-commune-cli-');
    dbPath = join(tmp.dir, 'hocvuso.db');
    knowledge = join(tmp.dir, 'knowledge');
    writeTree(knowledge, { 'commune.yaml': 'name: Xã Hùng Châu\n' });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    tmp.cleanup();
  });

  async function inProcess(args: string[]) {
    const out = sink();
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const ctx: CliContext = {
      config: testConfig({
        DATABASE_PATH: dbPath,
        KNOWLEDGE_DIR: knowledge,
        PUBLIC_BASE_URL: 'https://hocvuso.example.vn',
      }),
      logger: memoryLogger().logger,
      args,
      stdout: out.stream,
    };
    const code = await runCommune(ctx, args);
    const stderr = err.mock.calls.map((c) => String(c[0])).join('');
    err.mockRestore();
    return { code, stdout: out.text(), stderr };
  }

  const rows = (): { id: string; name: string }[] => {
    const db = openDatabase(dbPath);
    try {
      return db.prepare('SELECT id, name FROM communes ORDER BY id').all() as { id: string; name: string }[];
    } finally {
      db.close();
    }
  };

  it('adds the row and a starter commune.yaml, and says what to do next', async () => {
    const add = await inProcess(['add', 'hung-nguyen', '--name', 'Xã Hưng Nguyên']);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(rows()).toContainEqual({ id: 'hung-nguyen', name: 'Xã Hưng Nguyên' });
    const file = join(knowledge, 'communes', 'hung-nguyen', 'commune.yaml');
    const { commune, problems } = parseCommune(readFileSync(file));
    expect(problems).toEqual([]);
    expect(commune).toMatchObject({ name: 'Xã Hưng Nguyên', hamlets: [], targets: [], groups: DEFAULT_COMMUNE.groups });
    expect(add.stdout).toContain('Đã thêm xã "Xã Hưng Nguyên" (mã: hung-nguyen).');
    expect(add.stdout).toContain('quiz check --commune hung-nguyen');
    expect(add.stdout).toContain('channel add telegram --commune hung-nguyen');
    expect(add.stdout).toContain('https://hocvuso.example.vn/x/hung-nguyen');
    // SQLite serves one commune: the staff member is told so.
    expect(add.stdout).toContain('chỉ phục vụ một xã (COMMUNE_ID=hung-chau)');
  });

  it('says a commune that exists exists, and changes neither its row nor its file', async () => {
    expect((await inProcess(['add', 'hung-nguyen', '--name', 'Xã Hưng Nguyên'])).code).toBe(0);
    const file = join(knowledge, 'communes', 'hung-nguyen', 'commune.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n# sửa tay\n`);
    const before = { text: readFileSync(file, 'utf8'), mtime: statSync(file).mtimeMs, rows: rows() };
    const again = await inProcess(['add', 'hung-nguyen', '--name', 'Tên khác']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Xã "hung-nguyen" đã có (tên trong cơ sở dữ liệu: Xã Hưng Nguyên;');
    expect(again.stderr).toContain('Không thay đổi gì.');
    expect(again.stdout).toBe('');
    expect({ text: readFileSync(file, 'utf8'), mtime: statSync(file).mtimeMs, rows: rows() }).toEqual(before);
  });

  it("says the install's own commune exists: its top-level commune.yaml is its file", async () => {
    const own = await inProcess(['add', 'hung-chau', '--name', 'Xã Hùng Châu']);
    expect(own.code).toBe(1);
    expect(own.stderr).toContain(`tệp: ${join(knowledge, 'commune.yaml')}). Không thay đổi gì.`);
    expect(existsSync(join(knowledge, 'communes'))).toBe(false);
  });

  it('completes a commune whose row exists without a file, keeping the row as it was', async () => {
    const db = openDatabase(dbPath);
    ensureCommune(db, 'xa-cu', 'Xã Cũ');
    db.close();
    const add = await inProcess(['add', 'xa-cu', '--name', 'Xã Cũ Mới']);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('(hàng của xã đã có từ trước, giữ nguyên)');
    expect(rows()).toContainEqual({ id: 'xa-cu', name: 'Xã Cũ' });
    expect(existsSync(join(knowledge, 'communes', 'xa-cu', 'commune.yaml'))).toBe(true);
  });

  it('refuses a bad id or a missing name with a Vietnamese message, and writes nothing', async () => {
    for (const [args, message] of [
      [['add', 'Xa_Moi', '--name', 'Xã Mới'], 'mã xã chỉ gồm chữ thường không dấu'],
      [['add', '../xa', '--name', 'Xã Mới'], 'mã xã chỉ gồm chữ thường không dấu'],
      [['add', 'xa-moi'], 'thiếu --name'],
      [['add', 'xa-moi', '--name', '  '], '--name đang trống'],
      [['add', '--name', 'Xã Mới'], 'thiếu mã xã'],
      [['remove', 'xa-moi'], 'không có lệnh con "remove"'],
    ] as const) {
      const r = await inProcess([...args]);
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr).toContain(`Lỗi: ${message}`);
    }
    expect(existsSync(join(knowledge, 'communes'))).toBe(false);
    expect(existsSync(dbPath)).toBe(false);
  });

  it('lists every commune with the commune.yaml it reads, through the real CLI', async () => {
    const env = { DATABASE_PATH: dbPath, KNOWLEDGE_DIR: knowledge, LOG_LEVEL: 'warn' };
    const add = await runCli(['commune', 'add', 'xa-a', '--name', 'Xã A'], env);
    expect(add.code).toBe(0);
    const db = openDatabase(dbPath);
    ensureCommune(db, 'xa-b', 'Xã B');
    db.close();
    const list = await runCli(['commune', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      { id: 'hung-chau', name: 'Xã Hùng Châu', file: join(knowledge, 'commune.yaml') },
      { id: 'xa-a', name: 'Xã A', file: join(knowledge, 'communes', 'xa-a', 'commune.yaml') },
      { id: 'xa-b', name: 'Xã B', file: null },
    ]);
    const text = await inProcess(['list']);
    expect(text.stdout).toContain('xa-b\tXã B\tchưa có tệp commune.yaml (chạy commune add)');
  });

  it("checks a commune's own file and banks with `quiz check --commune`, and names what is missing", async () => {
    writeTree(knowledge, { 'quizzes/.keep': '' });
    expect((await inProcess(['add', 'xa-a', '--name', 'Xã A'])).code).toBe(0);
    const check = async (args: string[]) => {
      const out = sink();
      const ctx: CliContext = {
        config: testConfig({ DATABASE_PATH: dbPath, KNOWLEDGE_DIR: knowledge }),
        logger: memoryLogger().logger,
        args,
        stdout: out.stream,
      };
      return { code: await runQuiz(ctx, args), stdout: out.text() };
    };
    const a = await check(['check', '--commune', 'xa-a']);
    // No bank yet: the starter's core quizzes are named as problems, with the commune's file and no target.
    expect(a.code).toBe(1);
    expect(a.stdout).toContain('Commune: Xã A: 0 hamlets, 5 target groups, targets for no year, 5 core quizzes.');
    expect(a.stdout).toContain('core_quizzes: no valid quiz has the id "vneid-co-ban"');
    expect(a.stdout).toContain('chưa có mục tiêu nào (mục "targets:")');
    const none = await check(['check', '--commune', 'xa-khong-co']);
    expect(none.stdout).toContain(`commune.yaml: not found in ${join(knowledge, 'communes', 'xa-khong-co')}`);
  });
});
