/**
 * What can go wrong with the SQLite file under a learner's quiz: a corrupted
 * file, a read-only file, and the process killed with SIGKILL mid-attempt
 * (the quiz itself, on both databases: quizFlow.test.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingReply } from '../../src/core/messages.js';
import { last, rightButton } from '../fixtures/quizReplies.js';
import * as Q from '../../src/core/quiz/texts.js';
import { createServices, type Services } from '../../src/services.js';
import { DatabaseOpenError, type Db } from '../../src/storage/sqlite/db.js';
import {
  BUNDLED_KNOWLEDGE,
  firstLineOf,
  fixedClock,
  memoryLogger,
  readyServices,
  tempDir,
  testConfig,
} from '../helpers.js';

const QUIZ = 'vneid-co-ban';
const ROOT = join(import.meta.dirname, '..', '..');

const count = (db: Db, sql: string, ...params: unknown[]): number =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${sql}`).get(...params) as { n: number }).n;

let tmp: ReturnType<typeof tempDir>;
let dbPath: string;
const open: Services[] = [];

beforeEach(() => {
  tmp = tempDir('hocvuso-quizflow-');
  dbPath = join(tmp.dir, 'hocvuso.db');
});

afterEach(() => {
  for (const s of open.splice(0)) s.close();
  tmp.cleanup();
});

async function services(): Promise<Services> {
  const s = await readyServices({ DATABASE_PATH: dbPath }, fixedClock());
  open.push(s);
  return s;
}

describe('a damaged database file', () => {
  it('refuses a file of garbage with a DatabaseOpenError naming the path', () => {
    writeFileSync(dbPath, Buffer.from('this is not a database, just some bytes '.repeat(200)));
    let caught: unknown;
    try {
      createServices(testConfig({ DATABASE_PATH: dbPath }), memoryLogger().logger);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DatabaseOpenError);
    expect((caught as DatabaseOpenError).path).toBe(dbPath);
    expect((caught as Error).message).toContain(dbPath);
  });

  it('refuses a real database whose schema page was overwritten, naming the path', async () => {
    (await services()).close();
    open.length = 0;
    const bytes = readFileSync(dbPath);
    // Keep the 100-byte header (so it still looks like SQLite) and scramble the rest of page 1, the schema.
    for (let i = 100; i < 4096; i++) bytes[i] = (i * 7919) & 0xff;
    writeFileSync(dbPath, bytes);
    expect(() => createServices(testConfig({ DATABASE_PATH: dbPath }), memoryLogger().logger)).toThrow(
      DatabaseOpenError,
    );
    expect(() => createServices(testConfig({ DATABASE_PATH: dbPath }), memoryLogger().logger)).toThrow(dbPath);
  });
});

/** Runs a fixture script with tsx in a child process; resolves with its stdout lines. */
function runChild(
  script: string,
  env: Record<string, string>,
  options: { uid?: number; gid?: number } = {},
): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'fixtures', script)], {
      cwd: ROOT,
      env: { ...process.env, KNOWLEDGE_DIR: BUNDLED_KNOWLEDGE, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines: out.split('\n').filter(Boolean), stderr: err }));
  });
}

describe('a read-only database file', () => {
  /*
   * Root ignores file modes: as root, chmod 0444 changes nothing and SQLite
   * writes to the file as usual (checked: opening and writing succeed). So
   * when the tests run as root, the service is started in a child process as
   * the unprivileged user 65534 ("nobody"), for whom the file really is
   * read-only; as any other user, the same child runs as that user.
   */
  const isRoot = process.getuid?.() === 0;
  const asUnprivileged = isRoot ? { uid: 65534, gid: 65534 } : {};
  /** That user must be able to run this Node binary (a Node installed under a private folder is not). */
  const canRunUnprivileged =
    !isRoot ||
    spawnSync(process.execPath, ['--import', 'tsx', '-e', '0'], { cwd: ROOT, ...asUnprivileged, timeout: 30_000 })
      .status === 0;

  it.runIf(canRunUnprivileged)(
    'stops start-up with a DatabasePathError naming the path, before SQLite opens the file read-only',
    async () => {
      (await services()).close();
      open.length = 0;
      chmodSync(dbPath, 0o444);
      chmodSync(tmp.dir, 0o755); // others may enter the folder (mkdtemp made it 0700) but, not owning it, not write
      const { code, lines, stderr } = await runChild('openServicesChild.ts', { DATABASE_PATH: dbPath }, asUnprivileged);
      expect(code, stderr).toBe(0);
      const outcome = JSON.parse(lines[0] ?? '{}') as { ok: boolean; name?: string; message?: string };
      expect(outcome.ok).toBe(false);
      expect(outcome.name).toBe('DatabasePathError');
      expect(outcome.message).toContain(dbPath);
      expect(outcome.message).toContain('không có quyền ghi');
    },
    60_000,
  );

  it.runIf(process.getuid?.() === 0)(
    'as root, file modes do not apply: the same 0444 file opens as usual',
    async () => {
      (await services()).close();
      open.length = 0;
      chmodSync(dbPath, 0o444);
      const { lines } = await runChild('openServicesChild.ts', { DATABASE_PATH: dbPath });
      expect(JSON.parse(lines[0] ?? '{}')).toEqual({ ok: true });
    },
    60_000,
  );

  it.runIf(canRunUnprivileged)(
    'stops start-up the same way when the file does not exist and its folder cannot be written',
    async () => {
      chmodSync(tmp.dir, 0o555);
      const { lines } = await runChild('openServicesChild.ts', { DATABASE_PATH: dbPath }, asUnprivileged);
      const outcome = JSON.parse(lines[0] ?? '{}') as { ok: boolean; name?: string; message?: string };
      expect(outcome).toMatchObject({ ok: false, name: 'DatabasePathError' });
      expect(outcome.message).toContain(dbPath);
      expect(outcome.message).toContain(`thư mục "${tmp.dir}" không có quyền ghi`);
      chmodSync(tmp.dir, 0o755);
    },
    60_000,
  );
});

describe('killed with SIGKILL in the middle of an attempt', () => {
  it('resumes at the next question after a restart, and records exactly one completion', async () => {
    // The index is built once here, so the child only has to check it.
    (await services()).close();
    open.length = 0;

    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'fixtures', 'quizCrashChild.ts')], {
      cwd: ROOT,
      env: { ...process.env, KNOWLEDGE_DIR: BUNDLED_KNOWLEDGE, DATABASE_PATH: dbPath, CRASH_USER: 'crash-user' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await firstLineOf(child);
    const report = JSON.parse(line) as { answered: number; next: number; attemptId: string };
    expect(report).toMatchObject({ answered: 3, next: 3 });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const s = await services();
    const who = { channel: 'web' as const, userId: 'crash-user' };
    const citizen = s.citizens.findByIdentity(who);
    const active = s.attempts.active(citizen?.id ?? '');
    expect(active).toMatchObject({ id: report.attemptId, status: 'active', current: 3, correct: 3 });
    expect(active?.answers).toHaveLength(3);

    const resumed = await s.engine.handle({ ...who, choice: 'quiz:resume' });
    const total = s.quizzes.get(QUIZ)?.questions.length ?? 0;
    expect(resumed).toHaveLength(1);
    let shown = last(resumed);
    expect(shown.quiz).toMatchObject({ attemptId: report.attemptId, index: 3, total });
    expect(shown.text).toContain(`Câu 4/${total}`);

    let replies: OutgoingReply[] = [];
    while (shown.quiz) {
      replies = await s.engine.handle({ ...who, choice: rightButton(shown) });
      shown = last(replies);
    }
    expect(shown.text).toBe(Q.finished(s.quizzes.get(QUIZ)!, total, true));
    expect(count(s.db, 'quiz_passes WHERE citizen_id = ?', citizen?.id)).toBe(1);
    expect(count(s.db, "quiz_attempts WHERE status = 'finished'")).toBe(1);
    expect(count(s.db, 'quiz_attempts')).toBe(1);
    expect(s.attempts.results(citizen?.id ?? '')).toEqual([
      expect.objectContaining({ quizId: QUIZ, attempts: 1, bestScore: 1 }),
    ]);
  }, 90_000);
});
