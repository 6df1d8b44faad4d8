/**
 * A DATABASE_PATH the service cannot use stops the real service and the real
 * CLI quickly, with exit code 2 and a message that names it (before, a path
 * under /proc spun at full CPU for ever). The SQLite file's own setting: with
 * DATABASE_URL it is not read (startupSettings.test.ts runs the rest of the
 * bad settings on both databases).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { spawnService } from '../serviceProcess.js';

const tmp = tempDir('hocvuso-settings-');
const knowledge = join(tmp.dir, 'knowledge');
mkdirSync(knowledge);
const aFile = join(tmp.dir, 'a-file');
writeFileSync(aFile, 'not a folder');
afterAll(() => tmp.cleanup());

/** A bad setting must be reported in this time, start-up included (loading tsx takes about a second). */
const WITHIN_MS = 10_000;

const SERVICE = [process.execPath, '--import', 'tsx', 'src/main.ts'];
const CLI = (...args: string[]) => [process.execPath, '--import', 'tsx', 'src/cli/index.ts', ...args];

const cases: [entry: string, value: string, command: string[]][] = [
  ['service', '/proc/1/nope/x.db', SERVICE],
  ['service', join(aFile, 'x.db'), SERVICE],
  ['service', tmp.dir, SERVICE],
  ['cli ingest', '/proc/1/nope/x.db', CLI('ingest')],
  ['cli export', '/proc/1/nope/x.db', CLI('export', '--format', 'csv')],
  ['cli export', join(aFile, 'x.db'), CLI('export', '--format', 'csv')],
];

describe('a DATABASE_PATH the service cannot use', () => {
  it.each(cases)(
    '%s with DATABASE_PATH=%s exits 2 at once, naming the variable in Vietnamese',
    async (_entry, value, command) => {
      const run = spawnService(
        { PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: value, KNOWLEDGE_DIR: knowledge, LOG_LEVEL: 'silent' },
        { command, killAfterMs: 20_000 },
      );
      const { code, signal, stderr, ms } = await run.exited;
      expect({ code, signal }, stderr).toEqual({ code: 2, signal: null });
      expect(stderr).toContain('Cấu hình không hợp lệ');
      expect(stderr).toContain(`DATABASE_PATH = ${JSON.stringify(value)}`);
      expect(ms, `took ${Math.round(ms)} ms`).toBeLessThan(WITHIN_MS);
    },
    30_000,
  );
});
