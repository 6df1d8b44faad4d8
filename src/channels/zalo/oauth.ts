/**
 * @module channels/zalo/oauth
 *
 * The OAuth v4 refresh call (facts §4, HIGH): form-encoded, with the app
 * secret in a `secret_key` header. Each refresh returns a new single-use
 * refresh token, so the caller must store it before doing anything else.
 * `expires_in` arrives as a string of seconds (MEDIUM); numbers are accepted
 * too. OAuth failures use their own codes (LOW), so any answer without tokens
 * is a ZaloTokenError carrying whatever code and text came back.
 */
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { ZaloTokenError } from './errors.js';
import { withRetries, type RetryPolicy } from './http.js';

export const OAUTH_PATH = '/v4/oa/access_token';

export interface RefreshedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Seconds. */
  readonly expiresIn: number;
}

const Success = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.union([
    z.number().positive(),
    z
      .string()
      .regex(/^\s*\d+\s*$/)
      .transform(Number),
  ]),
});

const Failure = z.object({
  error: z.union([z.number(), z.string()]).optional(),
  error_name: z.string().optional(),
  error_description: z.string().optional(),
  message: z.string().optional(),
});

export interface OAuthSettings {
  readonly oauthBase: string;
  readonly appId: string;
  readonly appSecret: string;
}

export function createRefresher(
  http: AxiosInstance,
  settings: OAuthSettings,
  retry?: RetryPolicy,
): (refreshToken: string) => Promise<RefreshedTokens> {
  return async (refreshToken) => {
    const form = new URLSearchParams({
      refresh_token: refreshToken,
      app_id: settings.appId,
      grant_type: 'refresh_token',
    }).toString();
    const res = await withRetries(
      OAUTH_PATH,
      () =>
        http.post(`${settings.oauthBase}${OAUTH_PATH}`, form, {
          headers: { secret_key: settings.appSecret, 'content-type': 'application/x-www-form-urlencoded' },
        }),
      retry,
    );
    const ok = Success.safeParse(res.data);
    if (ok.success) {
      return {
        accessToken: ok.data.access_token,
        refreshToken: ok.data.refresh_token,
        expiresIn: ok.data.expires_in,
      };
    }
    const fail = Failure.safeParse(res.data);
    const f = fail.success ? fail.data : {};
    const code = Number(f.error ?? res.status) || res.status;
    const text = f.error_description ?? f.error_name ?? f.message ?? `HTTP ${res.status}, no tokens in the answer`;
    throw new ZaloTokenError(code, OAUTH_PATH, text);
  };
}
