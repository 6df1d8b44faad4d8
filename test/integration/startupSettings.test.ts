/**
 * A bad setting stops the real service and the real CLI quickly, with exit
 * code 2 and a message that names the variable (README, "Configuration").
 * Before: `PORT=0x50` listened on 80 and `PORT=1e3` on 1000 without a word,
 * `HOST=999.1.1.1` exited 1 naming no variable, and
 * `DATABASE_PATH=/proc/1/nope/x.db` spun at full CPU for ever. The service
 * runs on the run's database (SQLite, or PostgreSQL with DATABASE_URL); a bad
 * DATABASE_PATH is startupSettings.sqlite.test.ts's.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { spawnService } from '../serviceProcess.js';
import { openTestRepos, type TestReposDb } from '../testRepos.js';

const tmp = tempDir('hocvuso-settings-');
const knowledge = join(tmp.dir, 'knowledge');
mkdirSync(knowledge);
/** The database the service would use were its settings good: DATABASE_PATH, or DATABASE_URL and COMMUNE_ID. */
let repos: TestReposDb;
let database: Readonly<Record<string, string>>;
beforeAll(async () => {
  repos = await openTestRepos();
  database = (await repos.fresh()).env;
});
afterAll(async () => {
  await repos?.close();
  tmp.cleanup();
});

/** A bad setting must be reported in this time, start-up included (loading tsx takes about a second). */
const WITHIN_MS = 10_000;

const SERVICE = [process.execPath, '--import', 'tsx', 'src/main.ts'];
const CLI = (...args: string[]) => [process.execPath, '--import', 'tsx', 'src/cli/index.ts', ...args];

const cases: [entry: string, name: string, value: string, command: string[]][] = [
  ['service', 'PORT', '0x50', SERVICE],
  ['service', 'PORT', '1e3', SERVICE],
  ['service', 'PORT', '-1', SERVICE],
  ['service', 'PORT', '65536', SERVICE],
  ['service', 'PORT', '80.0', SERVICE],
  ['service', 'MAX_BODY_BYTES', '0x1000', SERVICE],
  ['service', 'HOST', '999.1.1.1', SERVICE],
  ['service', 'HOST', '0x7f.1', SERVICE],
  ['service', 'HOST', 'máy chủ', SERVICE],
  // A well-formed address this machine does not have (TEST-NET-1): refused by listen, not by the schema.
  ['service', 'HOST', '192.0.2.1', SERVICE],
  // A channel's settings are parsed with the core's, before anything loads.
  ['service', 'ZALO_APP_ID', 'abc', SERVICE],
  ['cli serve', 'ZALO_APP_ID', 'abc', CLI('serve')],
  ['cli ingest', 'PORT', '1e3', CLI('ingest')],
  ['cli ingest', 'HOST', '999.1.1.1', CLI('ingest')],
];

describe('a bad start-up setting', () => {
  it.each(cases)(
    '%s with %s=%s exits 2 at once, naming the variable in Vietnamese',
    async (_entry, name, value, command) => {
      const run = spawnService(
        {
          PORT: '0',
          HOST: '127.0.0.1',
          ...database,
          KNOWLEDGE_DIR: knowledge,
          LOG_LEVEL: 'silent',
          [name]: value,
        },
        { command, killAfterMs: 20_000 },
      );
      const { code, signal, stderr, ms } = await run.exited;
      expect({ code, signal }, stderr).toEqual({ code: 2, signal: null });
      expect(stderr).toContain('Cấu hình không hợp lệ');
      expect(stderr).toContain(`${name} = ${JSON.stringify(value)}`);
      expect(ms, `took ${Math.round(ms)} ms`).toBeLessThan(WITHIN_MS);
    },
    30_000,
  );
});
