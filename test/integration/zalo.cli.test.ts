/**
 * `cli zalo set-token` and `cli zalo status`: staff store the first refresh
 * token and see when the access token expires, the last token error and how
 * many replies wait for residents to write again. On the run's database: the
 * SQLite file, or the commune COMMUNE_ID names on PostgreSQL (DATABASE_URL).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/index.js';
import { runZalo } from '../../src/cli/zalo.js';
import { secretBoxFor } from '../../src/storage/secretKey.js';
import { memoryLogger, runCli, tempDir, testConfig } from '../helpers.js';
import { openTestRepos, type TestRepos, type TestReposDb } from '../testRepos.js';

const ENV = { ZALO_APP_ID: '1234567890', ZALO_OA_SECRET_KEY: 'oa-key', ZALO_APP_SECRET: 'app-secret' };

describe('cli zalo', () => {
  let repos: TestReposDb;
  let tmp: { dir: string; cleanup: () => void };
  let commune: TestRepos;
  let out: string[];
  let ctx: CliContext;
  let keyFile: string;

  beforeAll(async () => {
    repos = await openTestRepos();
  });
  afterAll(async () => {
    await repos?.close();
  });

  beforeEach(async () => {
    tmp = tempDir('hocvuso-zalo-cli-');
    commune = await repos.fresh();
    // The install's key file, so the command and the service (here: the test) open the same sealed tokens.
    keyFile = join(tmp.dir, 'secrets.key');
    writeFileSync(keyFile, randomBytes(32).toString('base64'));
    out = [];
    ctx = {
      config: testConfig({ ...commune.env, SECRETS_KEY_FILE: keyFile }),
      logger: memoryLogger().logger,
      args: [],
      stdout: new Writable({
        write(chunk: Buffer, _enc, cb) {
          out.push(chunk.toString('utf8'));
          cb();
        },
      }),
    };
  });

  afterEach(() => tmp.cleanup());

  it('says the channel is off when nothing is configured', async () => {
    expect(await runZalo(ctx, ['status'], {})).toBe(0);
    expect(out.join('')).toMatch(/Zalo channel: off/);
  });

  it('stores the refresh token and shows token state, last error and waiting replies', async () => {
    expect(await runZalo(ctx, ['status'], ENV)).toBe(0);
    expect(out.join('')).toMatch(/Refresh token: MISSING/);
    out.length = 0;

    expect(await runZalo(ctx, ['set-token', 'first-refresh-token-abc'], ENV)).toBe(0);
    expect(out.join('')).not.toContain('first-refresh-token-abc');

    // What the running service would have recorded meanwhile.
    const zalo = commune.zalo(ENV.ZALO_APP_ID, secretBoxFor(ctx.config));
    const store = zalo.state;
    expect((await store.tokens()).refreshToken).toBe('first-refresh-token-abc');
    const now = new Date();
    await store.saveRefreshed(
      { accessToken: 'a', refreshToken: 'r2', expiresAt: new Date(now.getTime() + 25 * 3_600_000) },
      now,
    );
    await store.recordTokenError('Zalo /v4/oa/access_token failed (-14014): Invalid refresh token', now);
    await zalo.enqueue('u1', [{ text: 'một' }, { text: 'hai' }], now);
    await store.holdAll('u1', 'outside free window', now);
    await store.markInactive('u2', 'unfollow', now);

    out.length = 0;
    expect(await runZalo(ctx, ['status'], ENV)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/Access token: valid until .* \(in 2[45] h \d+ min\)/);
    expect(text).toMatch(/Last error: .*-14014/);
    expect(text).toMatch(/Replies waiting for the resident to write again: 2/);
    expect(text).toMatch(/Residents marked inactive \(unfollowed\): 1/);
    expect(text).not.toContain('r2');

    out.length = 0;
    expect(await runZalo(ctx, ['status', '--json'], ENV)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({
      enabled: true,
      mode: 'oa',
      refreshTokenStored: true,
      outbox: { waitingForResident: 2, toSend: 0, failed: 0 },
      inactiveResidents: 1,
    });
  });

  it('refuses set-token without OA settings or without a token', async () => {
    expect(await runZalo(ctx, ['set-token', 'abcdefghijkl'], {})).toBe(2);
    expect(await runZalo(ctx, ['set-token'], ENV)).toBe(1);
    expect(await runZalo(ctx, ['nonsense'], ENV)).toBe(1);
  });

  it('runs from the real command line on the database the environment names', async () => {
    const env = { ...commune.env, SECRETS_KEY_FILE: keyFile, ...ENV };
    const set = await runCli(['zalo', 'set-token', '-'], env, 'token-tu-dong-lenh-abc\n');
    expect({ code: set.code, err: set.stderr }).toEqual({ code: 0, err: '' });
    const status = await runCli(['zalo', 'status', '--json'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ enabled: true, mode: 'oa', refreshTokenStored: true });
    expect((await commune.zalo(ENV.ZALO_APP_ID, secretBoxFor(ctx.config)).state.tokens()).refreshToken).toBe(
      'token-tu-dong-lenh-abc',
    );
  });
});
