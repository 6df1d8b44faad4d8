/**
 * @module cli/zalo
 *
 * `cli zalo set-token <refresh-token>` and `cli zalo status`: what staff need
 * to run the Zalo OA without opening the database. The first refresh token
 * comes from Zalo's consent flow (or the API explorer); after that the server
 * rotates it on its own, so set-token is for the first start and for recovery
 * after the chain broke. Status shows when the access token expires, the last
 * token error, and how many replies are waiting for residents to write again.
 * With DATABASE_URL the state is PostgreSQL's (the OA of .env serves
 * COMMUNE_ID there, as pgRun.ts runs it), else the SQLite file's.
 */
import { readFileSync } from 'node:fs';
import { loadZaloConfig, type ZaloConfig } from '../channels/zalo/config.js';
import { ConfigError } from '../config.js';
import type { ZaloStateStore } from '../core/stores/zalo.js';
import { ensureCommune, openDatabase } from '../storage/sqlite/db.js';
import { secretBoxFor } from '../storage/secretKey.js';
import { SqliteZaloStore } from '../storage/sqlite/zaloStore.js';
import { pgProblemExit } from './cliStores.js';
import type { CliContext } from './index.js';

const USAGE = `Usage:
  zalo set-token <refresh-token>   Store the OA's refresh token (use "-" to read it from stdin).
  zalo status [--json]             Token expiry, last error, replies waiting in the outbox.`;

function inWords(ms: number): string {
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const span = h > 0 ? `${h} h ${m} min` : `${m} min`;
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

interface OpenStore {
  readonly store: ZaloStateStore;
  readonly close: () => Promise<void>;
}

/** The channel's state on the database the configuration names, under the account the running channel uses. */
async function openStore(ctx: CliContext, config: ZaloConfig): Promise<OpenStore> {
  const account = config.ZALO_MODE === 'oa' ? config.ZALO_APP_ID : 'bot';
  const secrets = secretBoxFor(ctx.config);
  const url = ctx.config.DATABASE_URL;
  if (url !== undefined) {
    // Loaded only here: a command on SQLite does not pay for the PostgreSQL driver.
    const { openPgZaloState } = await import('./zaloPg.js');
    return openPgZaloState(url, ctx.config.COMMUNE_ID, account, secrets);
  }
  const db = openDatabase(ctx.config.DATABASE_PATH);
  ensureCommune(db, ctx.config.COMMUNE_ID);
  return {
    store: new SqliteZaloStore(db, ctx.config.COMMUNE_ID, account, undefined, secrets),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

/** Runs `fn` over the store and closes it; a PostgreSQL set-up problem is said in Vietnamese with exit code 1. */
async function withStore(ctx: CliContext, config: ZaloConfig, fn: (store: ZaloStateStore) => Promise<number>) {
  try {
    const { store, close } = await openStore(ctx, config);
    try {
      return await fn(store);
    } finally {
      await close();
    }
  } catch (err) {
    return pgProblemExit(ctx, err);
  }
}

export async function runZalo(
  ctx: CliContext,
  args: readonly string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const [sub, ...rest] = args;
  let config: ZaloConfig | undefined;
  try {
    config = loadZaloConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`Invalid Zalo configuration:\n${err.issues.map((i) => `  - ${i}`).join('\n')}\n`);
    return 2;
  }
  const out = (line: string): boolean => ctx.stdout.write(`${line}\n`);

  if (sub === 'set-token') {
    if (config?.ZALO_MODE !== 'oa') {
      process.stderr.write('set-token needs the OA settings (ZALO_APP_ID, ZALO_OA_SECRET_KEY, ZALO_APP_SECRET).\n');
      return 2;
    }
    const arg = rest[0];
    const token = (arg === '-' ? readFileSync(0, 'utf8') : (arg ?? '')).trim();
    if (!/^\S{10,}$/.test(token)) {
      process.stderr.write(`${USAGE}\n`);
      return 1;
    }
    return withStore(ctx, config, async (store) => {
      await store.setRefreshToken(token, new Date());
      out('Refresh token saved. The service uses it at its next token refresh (no restart needed).');
      return 0;
    });
  }

  if (sub === 'status') {
    const json = rest.includes('--json');
    if (!config) {
      if (json) out(JSON.stringify({ enabled: false }));
      else out('Zalo channel: off (no ZALO_* variable set; see .env.example).');
      return 0;
    }
    return withStore(ctx, config, async (store) => {
      const now = Date.now();
      const t = await store.tokens();
      const outbox = await store.counts();
      const inactive = await store.inactiveResidents();
      if (json) {
        out(
          JSON.stringify({
            enabled: true,
            mode: config.ZALO_MODE,
            ...(config.ZALO_MODE === 'oa'
              ? {
                  appId: config.ZALO_APP_ID,
                  accessTokenExpiresAt: t.expiresAt?.toISOString() ?? null,
                  refreshedAt: t.refreshedAt?.toISOString() ?? null,
                  refreshTokenStored: t.refreshToken !== undefined,
                  lastError: t.lastError ?? null,
                  lastErrorAt: t.lastErrorAt?.toISOString() ?? null,
                }
              : {}),
            outbox: { waitingForResident: outbox.held, toSend: outbox.pending, failed: outbox.failed },
            inactiveResidents: inactive,
          }),
        );
        return 0;
      }
      if (config.ZALO_MODE === 'oa') {
        out(`Zalo channel: Official Account (app ${config.ZALO_APP_ID})`);
        out(
          t.expiresAt
            ? `Access token: ${t.expiresAt.getTime() > now ? 'valid until' : 'EXPIRED at'} ${t.expiresAt.toISOString()} (${inWords(t.expiresAt.getTime() - now)})`
            : 'Access token: none yet (fetched at the first send)',
        );
        if (t.refreshedAt) out(`Last refresh: ${t.refreshedAt.toISOString()}`);
        out(`Refresh token: ${t.refreshToken ? 'stored' : 'MISSING – run: npm run -s cli -- zalo set-token <token>'}`);
        out(`Last error: ${t.lastError ? `${t.lastErrorAt?.toISOString() ?? ''} ${t.lastError}` : '(none)'}`);
      } else {
        out('Zalo channel: Bot Platform');
      }
      out(
        `Replies waiting for the resident to write again: ${outbox.held}; to send now or retrying: ${outbox.pending}; failed: ${outbox.failed}`,
      );
      out(`Residents marked inactive (unfollowed): ${inactive}`);
      return 0;
    });
  }

  process.stderr.write(`${USAGE}\n`);
  return 1;
}
