/**
 * The one module of test helpers: temporary databases and knowledge folders,
 * a fixed clock, and the services built the way main.ts builds them.
 */
import { spawn, type ChildProcessByStdio, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { loadConfig, type Config } from '../src/config.js';
import type { Clock } from '../src/core/ports.js';
import { createLogger, type Logger } from '../src/logger.js';
import { createServices, type Services } from '../src/services.js';

export const BUNDLED_KNOWLEDGE = join(import.meta.dirname, '..', 'knowledge');

/** A clock that stands still until moved. */
export function fixedClock(iso = '2026-12-01T08:00:00.000Z'): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return {
    now: () => new Date(now),
    set: (v: string) => {
      now = new Date(v);
    },
  };
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'hocvuso-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes files (path → content) under a folder, creating sub-folders. */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

/** A logger that keeps its lines in memory, so tests can assert what was (not) logged. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: createLogger('debug', sink), lines };
}

/** Said when a file of the PostgreSQL run builds something on SQLite (see readyServices). */
const SQLITE_IN_PG_RUN =
  'this file builds SQLite services but this run tests PostgreSQL (HOCVUSO_TEST_DB=pg): ' +
  'use testService() from test/testService.ts, or list the file in vitest.pg.config.ts with its reason';

/**
 * The config of a test service. In the PostgreSQL run (HOCVUSO_TEST_DB=pg)
 * one without DATABASE_URL is refused: it would be a SQLite service.
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  if (process.env.HOCVUSO_TEST_DB === 'pg' && overrides.DATABASE_URL === undefined) throw new Error(SQLITE_IN_PG_RUN);
  return loadConfig({
    DATABASE_PATH: ':memory:',
    KNOWLEDGE_DIR: BUNDLED_KNOWLEDGE,
    PORT: '0',
    HOST: '127.0.0.1',
    ...overrides,
  });
}

/**
 * SQLite services over a temporary database, with the knowledge folder
 * already ingested. Refused when the run tests PostgreSQL (HOCVUSO_TEST_DB=pg,
 * the `both` project of vitest.pg.config.ts): a file that builds SQLite
 * services there would pass on SQLite a second time and claim PostgreSQL.
 */
export async function readyServices(
  overrides: Record<string, string> = {},
  clock: Clock = fixedClock(),
): Promise<Services> {
  if (process.env.HOCVUSO_TEST_DB === 'pg') throw new Error(SQLITE_IN_PG_RUN);
  const services = createServices(testConfig(overrides), memoryLogger().logger, { clock });
  await services.ingest();
  return services;
}

export interface CliRunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real CLI (`node --import tsx src/cli/index.ts …`) with only the
 * given environment (plus PATH and HOME), feeding `stdin`; killed after
 * `killAfterMs` (30 s unless told: several commands that each index the
 * knowledge base, started at once, share the machine's cores).
 */
export function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  stdin = '',
  killAfterMs = 30_000,
): Promise<CliRunResult> {
  const root = join(import.meta.dirname, '..');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

/**
 * The first line a child process prints on stdout (its report), or a
 * rejection with what it printed on stderr if it ends before printing one.
 */
export function firstLineOf(
  child: ChildProcessWithoutNullStreams | ChildProcessByStdio<null, Readable, Readable>,
): Promise<string> {
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
  });
}
