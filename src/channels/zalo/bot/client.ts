/**
 * @module channels/zalo/bot/client
 *
 * The Zalo Bot Platform API (facts §8, MEDIUM): a Telegram-like bot-token API
 * at `<base>/bot<TOKEN>/<method>`, answering `{ok, result}` or
 * `{ok: false, error_code, description}`. It is a separate product from the
 * OA (for a commune without a verified OA). The token is part of the URL, so
 * errors name the method only.
 */
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import {
  ZaloBadRequestError,
  ZaloRateLimitError,
  ZaloTokenError,
  ZaloUnavailableError,
  type ZaloApiError,
} from '../errors.js';
import { withRetries, type RetryPolicy } from '../http.js';

const Envelope = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
  description: z.string().optional(),
});

const Sent = z.object({ message_id: z.union([z.string(), z.number()]).transform(String).optional() }).optional();

/** Error code Zalo's long poll uses for "no update before the timeout" (Telegram-like; LOW). */
const POLL_TIMEOUT = 408;

export interface ZaloBotClientDeps {
  readonly http: AxiosInstance;
  readonly apiBase: string;
  readonly token: string;
  readonly retry?: RetryPolicy;
}

function errorFor(code: number, endpoint: string, description: string): ZaloApiError {
  if (code === 401 || code === 403) return new ZaloTokenError(code, endpoint, description);
  if (code === 429) return new ZaloRateLimitError(code, endpoint, description);
  if (code >= 500) return new ZaloUnavailableError(code, endpoint, description);
  return new ZaloBadRequestError(code, endpoint, description);
}

export class ZaloBotClient {
  constructor(private readonly deps: ZaloBotClientDeps) {}

  async call(
    method: string,
    body: Record<string, unknown>,
    opts: { signal?: AbortSignal; timeoutMs?: number; retry?: RetryPolicy } = {},
  ): Promise<unknown> {
    const endpoint = `bot/${method}`;
    const res = await withRetries(
      endpoint,
      () =>
        this.deps.http.post(`${this.deps.apiBase}/bot${this.deps.token}/${method}`, body, {
          signal: opts.signal,
          timeout: opts.timeoutMs,
          headers: { 'content-type': 'application/json' },
        }),
      opts.retry ?? this.deps.retry,
    );
    const env = Envelope.safeParse(res.data);
    if (env.success && env.data.ok) return env.data.result;
    const code = env.success ? (env.data.error_code ?? res.status) : res.status;
    throw errorFor(code, endpoint, (env.success ? env.data.description : undefined) ?? `HTTP ${res.status}`);
  }

  async sendMessage(chatId: string, text: string): Promise<{ messageId?: string }> {
    const result = await this.call('sendMessage', { chat_id: chatId, text });
    const sent = Sent.safeParse(result);
    return { messageId: sent.success ? sent.data?.message_id : undefined };
  }

  /** One long poll; an empty list when nothing arrived before the timeout. */
  async getUpdates(timeoutSeconds: number, signal?: AbortSignal): Promise<unknown[]> {
    try {
      const result = await this.call(
        'getUpdates',
        { timeout: String(timeoutSeconds) },
        { signal, timeoutMs: (timeoutSeconds + 10) * 1000, retry: { attempts: 1, delaysMs: [] } },
      );
      if (result === undefined || result === null) return [];
      return Array.isArray(result) ? (result as unknown[]) : [result];
    } catch (err) {
      if (err instanceof ZaloBadRequestError && err.code === POLL_TIMEOUT) return [];
      throw err;
    }
  }

  async setWebhook(url: string, secretToken: string): Promise<void> {
    await this.call('setWebhook', { url, secret_token: secretToken });
  }
}
