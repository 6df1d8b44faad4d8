/**
 * @module channels/zalo/errors
 *
 * Zalo answers most failures with HTTP 200 and a negative `error`. Each code
 * becomes an error class named by what the caller must do about it (refresh
 * the token, back off, wait for the resident to write, give up), so the
 * outbox decides by `instanceof` and never by magic numbers, and no
 * `AxiosError` (which carries the access token in its config) leaves this
 * folder. Which code means what is MEDIUM confidence, so the lists come from
 * configuration.
 */

export class ZaloApiError extends Error {
  constructor(
    /** Zalo's `error` (negative), the HTTP status for transport failures, or 0. */
    readonly code: number,
    /** Which call failed, e.g. "/v3.0/oa/message/cs" (never with a token in it). */
    readonly endpoint: string,
    readonly description: string,
  ) {
    super(`Zalo ${endpoint} failed (${code}): ${description}`);
    this.name = new.target.name;
  }
}

/** The access token is invalid or expired (or a refresh was refused): refresh, then retry once. */
export class ZaloTokenError extends ZaloApiError {}
/** Too many requests: retry later, slower. */
export class ZaloRateLimitError extends ZaloApiError {}
/**
 * Zalo will not deliver this now without a fee, or not at all until the
 * resident writes again (no recent interaction, quota, paid feature).
 */
export class ZaloOutOfWindowError extends ZaloApiError {}
/** The resident does not follow the OA (or is banned/inactive): mark them inactive. */
export class ZaloNotFollowerError extends ZaloApiError {}
/** The request itself is wrong (parameter, length, unsupported type): retrying changes nothing. */
export class ZaloBadRequestError extends ZaloApiError {}
/** Zalo or the network did not answer properly (5xx, reset, timeout): retry later. */
export class ZaloUnavailableError extends ZaloApiError {}

export interface ErrorCodeLists {
  readonly token: readonly number[];
  readonly rateLimit: readonly number[];
  readonly hold: readonly number[];
  readonly notFollower: readonly number[];
}

export const DEFAULT_CODES: ErrorCodeLists = {
  token: [-216, -220],
  rateLimit: [-32, -234],
  hold: [-230, -232, -320, -321, -211, -218],
  notFollower: [-213, -227],
};

/** Builds the error for a negative `error` in a 200 answer; unknown codes count as a bad request. */
export function errorForCode(code: number, endpoint: string, description: string, lists: ErrorCodeLists): ZaloApiError {
  if (lists.token.includes(code)) return new ZaloTokenError(code, endpoint, description);
  if (lists.rateLimit.includes(code)) return new ZaloRateLimitError(code, endpoint, description);
  if (lists.hold.includes(code)) return new ZaloOutOfWindowError(code, endpoint, description);
  if (lists.notFollower.includes(code)) return new ZaloNotFollowerError(code, endpoint, description);
  return new ZaloBadRequestError(code, endpoint, description);
}
