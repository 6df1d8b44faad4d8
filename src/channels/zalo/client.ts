/**
 * @module channels/zalo/client
 *
 * The Zalo OA Open API calls the channel makes: consultation ("Tư vấn")
 * messages and the user profile (facts §3, §7). Every call carries the access
 * token in an `access_token` header (not Authorization), reads Zalo's
 * `{error, message, data}` envelope, and turns a negative `error` into a typed
 * error. A token error refreshes once and retries once; 5xx and network
 * failures are retried a bounded number of times by `withRetries`.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import {
  errorForCode,
  ZaloBadRequestError,
  ZaloRateLimitError,
  ZaloTokenError,
  ZaloUnavailableError,
  type ErrorCodeLists,
} from './errors.js';
import { withRetries, type RetryPolicy } from './http.js';
import type { OutboundMessage, TemplateButton } from './render.js';
import type { TokenManager } from './tokens.js';

export const SEND_PATH = '/v3.0/oa/message/cs';
export const PROFILE_PATH = '/v3.0/oa/user/detail';

const Envelope = z.object({
  error: z.union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ]),
  message: z.string().optional(),
  data: z.unknown().optional(),
});

const SendData = z.object({ message_id: z.union([z.string(), z.number()]).transform(String).optional() }).optional();
const ProfileData = z.object({
  display_name: z.string().optional(),
  user_is_follower: z.boolean().optional(),
});

export interface ZaloProfile {
  readonly displayName?: string;
  readonly isFollower?: boolean;
}

export interface ZaloOaClientDeps {
  readonly http: AxiosInstance;
  readonly apiBase: string;
  readonly tokens: TokenManager;
  readonly codes: ErrorCodeLists;
  readonly logger: Logger;
  readonly retry?: RetryPolicy;
}

export class ZaloOaClient {
  constructor(private readonly deps: ZaloOaClientDeps) {}

  /** Reads the envelope of a non-5xx answer: `data` on success, a typed error otherwise. */
  private unwrap(endpoint: string, res: AxiosResponse<unknown>): unknown {
    const env = Envelope.safeParse(res.data);
    if (env.success && env.data.error === 0 && res.status < 400) return env.data.data;
    if (env.success && env.data.error !== 0) {
      throw errorForCode(env.data.error, endpoint, env.data.message ?? '', this.deps.codes);
    }
    if (res.status === 401 || res.status === 403) throw new ZaloTokenError(res.status, endpoint, `HTTP ${res.status}`);
    if (res.status === 429) throw new ZaloRateLimitError(res.status, endpoint, 'HTTP 429');
    if (res.status >= 400) throw new ZaloBadRequestError(res.status, endpoint, `HTTP ${res.status}`);
    throw new ZaloUnavailableError(res.status, endpoint, 'answer without a Zalo envelope');
  }

  /** Runs one authorised call; a token error refreshes the token and retries exactly once. */
  private async call(
    endpoint: string,
    request: (accessToken: string) => Promise<AxiosResponse<unknown>>,
  ): Promise<unknown> {
    let token = await this.deps.tokens.accessToken();
    try {
      return this.unwrap(endpoint, await withRetries(endpoint, () => request(token), this.deps.retry));
    } catch (err) {
      if (!(err instanceof ZaloTokenError)) throw err;
      this.deps.logger.info({ endpoint, code: err.code }, 'zalo token rejected; refreshing and retrying once');
      token = await this.deps.tokens.renew(token);
      return this.unwrap(endpoint, await withRetries(endpoint, () => request(token), this.deps.retry));
    }
  }

  private async post(userId: string, message: Record<string, unknown>): Promise<{ messageId?: string }> {
    const body = { recipient: { user_id: userId }, message };
    const data = await this.call(SEND_PATH, (token) =>
      this.deps.http.post(`${this.deps.apiBase}${SEND_PATH}`, body, {
        headers: { access_token: token, 'content-type': 'application/json' },
      }),
    );
    const parsed = SendData.safeParse(data);
    return { messageId: parsed.success ? parsed.data?.message_id : undefined };
  }

  /** A consultation text message (at most the text limit; split before calling). */
  sendText(userId: string, text: string): Promise<{ messageId?: string }> {
    return this.post(userId, { text });
  }

  /**
   * Text with buttons, as the official SDKs build it (v2 shape; not confirmed
   * on v3 consultation messages, hence behind ZALO_BUTTON_TEMPLATES).
   */
  sendButtons(userId: string, text: string, buttons: readonly TemplateButton[]): Promise<{ messageId?: string }> {
    return this.post(userId, {
      text,
      attachment: {
        type: 'template',
        payload: { buttons: buttons.map((b) => ({ title: b.title, type: 'oa.query.hide', payload: b.payload })) },
      },
    });
  }

  /** Sends a rendered message: the template when there is one, its plain text if Zalo refuses the template. */
  async send(userId: string, message: OutboundMessage): Promise<{ messageId?: string }> {
    if (message.template) {
      try {
        return await this.sendButtons(userId, message.template.text, message.template.buttons);
      } catch (err) {
        if (!(err instanceof ZaloBadRequestError)) throw err;
        this.deps.logger.warn(
          { code: err.code },
          'zalo refused a button template; sent the numbered text instead (consider ZALO_BUTTON_TEMPLATES=false)',
        );
      }
    }
    return this.sendText(userId, message.text);
  }

  /** The resident's public Zalo profile (display name), for a greeting. */
  async profile(userId: string): Promise<ZaloProfile> {
    const data = await this.call(PROFILE_PATH, (token) =>
      this.deps.http.get(`${this.deps.apiBase}${PROFILE_PATH}`, {
        params: { data: JSON.stringify({ user_id: userId }) },
        headers: { access_token: token },
      }),
    );
    const p = ProfileData.safeParse(data);
    return p.success ? { displayName: p.data.display_name, isFollower: p.data.user_is_follower } : {};
  }
}
