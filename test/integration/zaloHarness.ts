/**
 * The Zalo channel over the real engine and the run's database (SQLite or
 * PostgreSQL, test/testService.ts), mounted in an in-process HTTP app, with
 * Zalo itself replaced by nock. Shared by the zalo*.test.ts files: build it,
 * post signed deliveries through `app.request`, wait for the handling behind
 * the 200, and read what was sent.
 */
import type { Hono } from 'hono';
import nock from 'nock';
import { loadWebAssets } from '../../src/channels/web/assets.js';
import { zaloAccountOf } from '../../src/channels/zalo/channel.js';
import type { BackoffPolicy } from '../../src/channels/outbox.js';
import type { Engine } from '../../src/core/conversation/engine.js';
import type { Clock } from '../../src/core/ports.js';
import type { RateLimiter } from '../../src/core/rateLimit.js';
import { createApp } from '../../src/http/app.js';
import { API_BASE, OAUTH_BASE, zaloTestConfig, type SignedDelivery } from '../fixtures/zalo.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { testService, type TestService } from '../testService.js';
import type { ZaloRuntime } from '../../src/channels/zalo/channel.js';
import type { OutboundMessage, ZaloStateStore } from '../../src/core/stores/zalo.js';

export interface SentMessage {
  readonly userId: string;
  readonly text: string;
  readonly accessToken: string;
  readonly body: { recipient: { user_id: string }; message: Record<string, unknown> };
}

export interface HarnessOptions {
  readonly env?: Record<string, string>;
  /** Store a valid access token (and refresh token) first, so no refresh is needed. */
  readonly tokens?: boolean;
  readonly engine?: Engine;
  readonly backoff?: BackoffPolicy;
  /** The per-resident rate limit, built on the harness's clock (none when absent). */
  readonly rateLimit?: (clock: Clock) => RateLimiter;
}

export const ACCESS_0 = 'access-token-0';
export const REFRESH_0 = 'refresh-token-0';

/** Posts signed deliveries to the app's Zalo webhook; `deliver` also waits for the handling behind the 200. */
function webhookDriver(app: Hono, channel: Pick<ZaloRuntime, 'idle'>): Pick<ZaloHarnessOn, 'post' | 'deliver'> {
  const post = async (d: { body: string; headers: Record<string, string> }): Promise<Response> =>
    app.request('/webhooks/zalo', { method: 'POST', body: d.body, headers: d.headers });
  return {
    post,
    async deliver(d) {
      const res = await post(d);
      await channel.idle();
      return res;
    },
  };
}

/** The channel over the turns of test/testService.ts, on SQLite or PostgreSQL. */
export interface ZaloHarnessOn {
  readonly services: TestService;
  readonly channel: ZaloRuntime & { readonly store: ZaloStateStore };
  readonly clock: ReturnType<typeof fixedClock>;
  readonly lines: string[];
  post(delivery: SignedDelivery | { body: string; headers: Record<string, string> }): Promise<Response>;
  /** Posts and waits until the handling behind the 200 has finished. */
  deliver(delivery: SignedDelivery): Promise<Response>;
  /** Queues rendered messages for a resident in the channel's outbox, as a reply queued elsewhere would be. */
  enqueue(userId: string, messages: readonly OutboundMessage[], at: Date): Promise<void>;
  close(): Promise<void>;
}

/** The harness on the database of the run (test/testService.ts), the channel mounted in an HTTP app of its own. */
export async function zaloHarnessOn(
  opts: Pick<HarnessOptions, 'env' | 'tokens' | 'backoff' | 'rateLimit' | 'engine'> = {},
): Promise<ZaloHarnessOn> {
  const clock = fixedClock();
  const services = await testService({ clock });
  const mem = memoryLogger();
  try {
    const config = zaloTestConfig(opts.env);
    const channel = services.zaloChannelWith({
      config,
      logger: mem.logger,
      maxBodyBytes: services.config.MAX_BODY_BYTES,
      clock,
      timers: false,
      retry: { attempts: 3, delaysMs: [0] },
      ...(opts.backoff && { backoff: opts.backoff }),
      ...(opts.rateLimit && { rateLimit: opts.rateLimit(clock) }),
      ...(opts.engine && { engine: opts.engine }),
    });
    if (opts.tokens !== false) {
      await channel.store.saveRefreshed(
        { accessToken: ACCESS_0, refreshToken: REFRESH_0, expiresAt: new Date(clock.now().getTime() + 25 * 3_600_000) },
        clock.now(),
      );
    }
    // The web chat is not what these tests drive.
    const app = createApp({
      webhooks: channel.webhooks ?? [],
      chat: () => Promise.reject(new Error('the web chat is not used here')),
      healthy: () => true,
      assets: loadWebAssets(),
      logger: mem.logger,
      maxBodyBytes: services.config.MAX_BODY_BYTES,
    });
    await channel.start();
    return {
      services,
      channel,
      clock,
      lines: mem.lines,
      ...webhookDriver(app, channel),
      enqueue: (userId, messages, at) =>
        services.channelStores.zalo(zaloAccountOf(config)).enqueue(userId, messages, at),
      async close() {
        await channel.stop();
        await services.close();
      },
    };
  } catch (err) {
    await services.close();
    throw err;
  }
}

/**
 * Answers every consultation message with success and records it; `answer`
 * may refuse chosen sends instead (return a Zalo body).
 */
export function recordSends(answer?: (m: SentMessage, n: number) => Record<string, unknown> | undefined): {
  sent: SentMessage[];
  scope: nock.Scope;
} {
  const sent: SentMessage[] = [];
  let n = 0;
  const scope = nock(API_BASE)
    .persist()
    .post('/v3.0/oa/message/cs')
    .reply(function (_uri, body) {
      const b = body as SentMessage['body'];
      const header = this.req.headers.access_token;
      const m: SentMessage = {
        userId: b.recipient.user_id,
        text: typeof b.message.text === 'string' ? b.message.text : '',
        accessToken: Array.isArray(header) ? (header[0] ?? '') : (header ?? ''),
        body: b,
      };
      n += 1;
      const refusal = answer?.(m, n);
      if (refusal) return [200, refusal];
      sent.push(m);
      return [200, { error: 0, message: 'Success', data: { message_id: `m${n}`, user_id: m.userId } }];
    });
  return { sent, scope };
}

/** Answers the OAuth refresh once with a rotated pair (expires_in as a string, as Zalo sends it). */
export function nockRefresh(access: string, refresh: string, opts: { delayMs?: number } = {}): nock.Scope {
  return nock(OAUTH_BASE)
    .post('/v4/oa/access_token')
    .delay(opts.delayMs ?? 0)
    .reply(200, { access_token: access, refresh_token: refresh, expires_in: '90000' });
}
