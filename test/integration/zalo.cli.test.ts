/**
 * `cli zalo set-token` and `cli zalo status`: staff store the first refresh
 * token and see when the access token expires, the last token error and how
 * many replies wait for residents to write again.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/index.js';
import { runZalo } from '../../src/cli/zalo.js';
import { openDatabase } from '../../src/storage/sqlite/db.js';
import { SqliteZaloStore } from '../../src/storage/sqlite/zaloStore.js';
import { memoryLogger, tempDir, testConfig } from '../helpers.js';

const ENV = { ZALO_APP_ID: '1234567890', ZALO_OA_SECRET_KEY: 'oa-key', ZALO_APP_SECRET: 'app-secret' };

describe('cli zalo', () => {
  let tmp: { dir: string; cleanup: () => void };
  let out: string[];
  let ctx: CliContext;

  beforeEach(() => {
    tmp = tempDir('hocvuso-zalo-cli-');
    out = [];
    ctx = {
      config: testConfig({ DATABASE_PATH: join(tmp.dir, 'db.sqlite') }),
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

  it('says the channel is off when nothing is configured', () => {
    expect(runZalo(ctx, ['status'], {})).toBe(0);
    expect(out.join('')).toMatch(/Zalo channel: off/);
  });

  it('stores the refresh token and shows token state, last error and waiting replies', () => {
    expect(runZalo(ctx, ['status'], ENV)).toBe(0);
    expect(out.join('')).toMatch(/Refresh token: MISSING/);
    out.length = 0;

    expect(runZalo(ctx, ['set-token', 'first-refresh-token-abc'], ENV)).toBe(0);
    expect(out.join('')).not.toContain('first-refresh-token-abc');

    // What the running service would have recorded meanwhile.
    const db = openDatabase(ctx.config.DATABASE_PATH);
    const store = new SqliteZaloStore(db, ctx.config.COMMUNE_ID, ENV.ZALO_APP_ID);
    expect(store.tokens().refreshToken).toBe('first-refresh-token-abc');
    const now = new Date();
    store.saveRefreshed(
      { accessToken: 'a', refreshToken: 'r2', expiresAt: new Date(now.getTime() + 25 * 3_600_000) },
      now,
    );
    store.recordTokenError('Zalo /v4/oa/access_token failed (-14014): Invalid refresh token', now);
    store.enqueue('u1', [{ text: 'một' }, { text: 'hai' }], now);
    store.holdAll('u1', 'outside free window', now);
    store.markInactive('u2', 'unfollow', now);
    db.close();

    out.length = 0;
    expect(runZalo(ctx, ['status'], ENV)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/Access token: valid until .* \(in 2[45] h \d+ min\)/);
    expect(text).toMatch(/Last error: .*-14014/);
    expect(text).toMatch(/Replies waiting for the resident to write again: 2/);
    expect(text).toMatch(/Residents marked inactive \(unfollowed\): 1/);
    expect(text).not.toContain('r2');

    out.length = 0;
    expect(runZalo(ctx, ['status', '--json'], ENV)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({
      enabled: true,
      mode: 'oa',
      refreshTokenStored: true,
      outbox: { waitingForResident: 2, toSend: 0, failed: 0 },
      inactiveResidents: 1,
    });
  });

  it('refuses set-token without OA settings or without a token', () => {
    expect(runZalo(ctx, ['set-token', 'abcdefghijkl'], {})).toBe(2);
    expect(runZalo(ctx, ['set-token'], ENV)).toBe(1);
    expect(runZalo(ctx, ['nonsense'], ENV)).toBe(1);
  });
});
