/**
 * @module channels/zalo/tokens
 *
 * Keeps a valid OA access token. Zalo's refresh tokens are single-use and
 * rotated by every refresh (facts §4), which makes two rules non-negotiable:
 * the new pair is written to the database in one transaction before the new
 * access token is handed to anyone (a crash after the refresh must not lose
 * the only refresh token that still works), and two refreshes never run at
 * once (the second would spend a token the first already spent). So every
 * caller shares one in-flight refresh, and a call rejected with a token the
 * store has already replaced just picks up the new one. Across processes
 * (several on one PostgreSQL database) the store's `rotateRefreshToken` locks
 * the token row, so a process that finds the token already rotated takes the
 * stored access token instead of spending the new refresh token again.
 *
 * The access token in hand is kept in memory until it comes within the call
 * margin of its expiry (issue 20: reading it from PostgreSQL was a
 * transaction per reply sent). Another process rotating it meanwhile costs
 * nothing: should Zalo reject the kept one, `renew` reads the store again.
 */
import type { Clock } from '../../core/ports.js';
import type { Logger } from '../../logger.js';
import { ZaloApiError, ZaloTokenError } from './errors.js';
import { OAUTH_PATH, type RefreshedTokens } from './oauth.js';
import type { ZaloStateStore } from './store.js';

export interface TokenManagerDeps {
  readonly store: ZaloStateStore;
  readonly refresh: (refreshToken: string) => Promise<RefreshedTokens>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A call made with less than this left refreshes first. */
  readonly callMarginMs?: number;
  /** The background check refreshes when less than this is left. */
  readonly aheadMarginMs?: number;
}

export class TokenManager {
  private inflight: Promise<string> | undefined;
  /** The access token last read or refreshed, while it has more than the call margin left. */
  private kept: { readonly token: string; readonly expiresAt: Date } | undefined;
  private readonly callMarginMs: number;
  private readonly aheadMarginMs: number;

  constructor(private readonly deps: TokenManagerDeps) {
    this.callMarginMs = deps.callMarginMs ?? 60_000;
    this.aheadMarginMs = deps.aheadMarginMs ?? 30 * 60_000;
  }

  private msLeft(expiresAt: Date | undefined): number {
    return expiresAt ? expiresAt.getTime() - this.deps.clock.now().getTime() : -Infinity;
  }

  private keep(token: string | undefined, expiresAt: Date | undefined): void {
    this.kept = token && expiresAt ? { token, expiresAt } : undefined;
  }

  /** A token to call with, refreshed first when missing or about to expire. */
  async accessToken(): Promise<string> {
    const kept = this.kept;
    if (kept && this.msLeft(kept.expiresAt) > this.callMarginMs) return kept.token;
    const t = await this.deps.store.tokens();
    if (t.accessToken && this.msLeft(t.expiresAt) > this.callMarginMs) {
      this.keep(t.accessToken, t.expiresAt);
      return t.accessToken;
    }
    return this.refresh('expired or missing');
  }

  /** After Zalo rejected `rejected` (-216/-220): refreshes, unless another call already did. */
  async renew(rejected: string): Promise<string> {
    if (this.kept?.token === rejected) this.kept = undefined;
    const t = await this.deps.store.tokens();
    if (t.accessToken && t.accessToken !== rejected && this.msLeft(t.expiresAt) > 0) {
      this.keep(t.accessToken, t.expiresAt);
      return t.accessToken;
    }
    return this.refresh('rejected by Zalo');
  }

  /** Refreshes ahead of expiry (the background check), so residents never wait on a refresh. */
  async refreshIfDue(): Promise<boolean> {
    const t = await this.deps.store.tokens();
    if (!t.refreshToken || !t.accessToken) return false;
    if (this.msLeft(t.expiresAt) > this.aheadMarginMs) return false;
    await this.refresh('expiring soon');
    return true;
  }

  /** One refresh at a time: concurrent callers share the one in flight. */
  refresh(reason: string): Promise<string> {
    if (!this.inflight) {
      this.inflight = this.doRefresh(reason).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async doRefresh(reason: string): Promise<string> {
    const { store, clock, logger } = this.deps;
    const { refreshToken } = await store.tokens();
    if (!refreshToken) {
      const msg = 'no refresh token stored: set ZALO_REFRESH_TOKEN or run `cli zalo set-token <token>`';
      await store.recordTokenError(msg, clock.now());
      throw new ZaloTokenError(0, OAUTH_PATH, msg);
    }
    let result;
    try {
      // The old refresh token is spent by the call: the store keeps the new pair before the access token is used.
      result = await store.rotateRefreshToken(
        refreshToken,
        async (spent) => {
          const fresh = await this.deps.refresh(spent);
          const expiresAt = new Date(clock.now().getTime() + fresh.expiresIn * 1000);
          return { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, expiresAt };
        },
        () => clock.now(),
      );
    } catch (err) {
      const msg = err instanceof ZaloApiError ? err.message : `refresh failed: ${String(err)}`;
      await store.recordTokenError(msg, clock.now());
      logger.error({ reason, err: msg }, 'zalo token refresh failed');
      throw err;
    }
    const { accessToken, expiresAt } = result.tokens;
    if (!accessToken) throw new ZaloTokenError(0, OAUTH_PATH, 'the stored access token is unreadable');
    this.keep(accessToken, expiresAt);
    logger.info(
      { reason, expiresAt: expiresAt?.toISOString() },
      result.rotated ? 'zalo access token refreshed' : 'zalo access token already refreshed by another process',
    );
    return accessToken;
  }
}
