/**
 * A stop signal stops the service, gracefully and within a bound. Before,
 * SIGTERM sent to the process `npm start` created (what a container's PID 1
 * or a supervisor signals) stopped at the shell npm ran the script in, and
 * the server went on listening until something killed it hard. The service
 * runs on the run's database (SQLite, or PostgreSQL: pgRun.ts's stop).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOP_GRACE_MS } from '../../src/shutdown.js';
import { portOpen, readyPort, ROOT, waitForHealth } from '../serviceProcess.js';
import { openTestRepos, type TestReposDb } from '../testRepos.js';

/** The bound, plus time for npm itself to notice its child ended. */
const EXIT_WITHIN_MS = STOP_GRACE_MS + 2_000;

describe('a stop signal', () => {
  let repos: TestReposDb;
  /** The database `npm start` serves: DATABASE_PATH, or DATABASE_URL and COMMUNE_ID. */
  let database: Readonly<Record<string, string>>;
  beforeAll(async () => {
    repos = await openTestRepos();
    database = (await repos.fresh()).env;
  });
  afterAll(async () => {
    await repos?.close();
  });

  it('sent to the `npm start` process ends the service within the bound and frees the port', async () => {
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? ROOT,
        PORT: '0', // the system picks a free port; the "ready" log line names it
        HOST: '127.0.0.1',
        ...database,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so the test can clean up whatever is left
    });
    let output = '';
    npm.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    npm.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      npm.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const port = await readyPort(() => output);
      await waitForHealth(port, 200, 40_000);
      const signalled = performance.now();
      npm.kill('SIGTERM');
      const outcome = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), EXIT_WITHIN_MS)),
      ]);
      const ms = performance.now() - signalled;
      expect(outcome, output).not.toBe('timeout');
      expect(ms).toBeLessThan(EXIT_WITHIN_MS);
      // npm may report the signal itself; what matters is that the service is gone, not killed.
      expect(await portOpen(port), 'the server still listens after npm exited').toBe(false);
      expect(output).toContain('"signal":"SIGTERM"');
      expect(output).toContain('đã dừng');
    } finally {
      try {
        process.kill(-(npm.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone: the expected case
      }
    }
  }, 90_000);

  it('ends a stop that hangs after the bound, with exit code 1 and a log line saying so', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'fixtures', 'stopBoundChild.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (log += c));
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: string) => c.includes('ready') && resolve());
      child.once('exit', () => reject(new Error(`child ended early: ${log}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const signalled = performance.now();
    child.kill('SIGTERM');
    const code = await exited;
    const ms = performance.now() - signalled;
    expect(code, log).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(250); // it did wait for the stop...
    expect(ms).toBeLessThan(3_000); // ...but not for ever (bound 300 ms here)
    expect(log).toContain('dừng quá lâu');
  }, 30_000);
});
