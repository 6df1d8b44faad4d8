/**
 * `cli staff --commune` on SQLite: one file serves one commune, so the
 * install's own is accepted and another is refused with what to use instead.
 * On PostgreSQL `--commune` reaches any commune of the database
 * (test/pg/cliCommands.test.ts).
 */
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { CliContext } from '../../../src/cli/index.js';
import { runStaff } from '../../../src/cli/staff.js';
import { fixedClock, memoryLogger, tempDir, testConfig } from '../../helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function cli() {
  let out = '';
  const stdout = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString('utf8');
      cb();
    },
  });
  const ctx: CliContext = {
    config: testConfig({ DATABASE_PATH: join(tmp.dir, 'hocvuso.db'), PORT: '8080' }),
    logger: memoryLogger().logger,
    args: [],
    stdout,
  };
  return { run: (args: string[]) => runStaff(ctx, args, fixedClock()), out: () => out, ctx };
}

it("--commune names only the install's own commune on SQLite, and another one is refused", async () => {
  const c = cli();
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const said = () => stderr.mock.calls.map((call) => String(call[0])).join('');
  try {
    const own = c.ctx.config.COMMUNE_ID;
    expect(await c.run(['add', '--name', 'Hồ Văn Nam', '--role', 'admin', '--commune', own])).toBe(0);
    expect(c.out()).toMatch(/localhost:8080\/staff\/setup\?token=/);
    expect(await c.run(['add', '--name', 'Hồ Văn Bắc', '--role', 'admin', '--commune', 'xa-khac'])).toBe(1);
    expect(said()).toContain('nhiều xã cần PostgreSQL');
    expect(await c.run(['list'])).toBe(0);
    expect(c.out()).not.toContain('ho-van-bac');
  } finally {
    stderr.mockRestore();
  }
});
