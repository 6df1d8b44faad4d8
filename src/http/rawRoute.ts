/**
 * @module http/rawRoute
 *
 * Webhook endpoints (Telegram, Zalo) as plain functions of the bytes received
 * and the headers, answered with a status and a small JSON body, served as
 * routes of the Hono app like every other request. A signature must be
 * checked over the raw body exactly as it arrived, so the handler gets the
 * bytes (`c.req.arrayBuffer()`), never a re-serialised object.
 *
 * Until 2026-12-06 these were served straight from Node's request in front of
 * the app, which saved about 0.2 ms per delivery; issue 18's floors (1,000
 * Telegram updates a second on one process) are met without it (README,
 * "Measured figures"), so the framework's path is the only one.
 */
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../logger.js';
import type { RejectionLog } from './rejectionLog.js';

/** Reads a request header by name, case-insensitively; undefined when absent. */
export type HeaderReader = (name: string) => string | undefined;

/** Reads a path parameter of the route (`/webhooks/telegram/:key` → 'key'); undefined when absent. */
export type ParamReader = (name: string) => string | undefined;

export interface RawReply {
  readonly status: ContentfulStatusCode;
  readonly json: unknown;
}

export interface RawRoute {
  /**
   * Path (no trailing slash); only POST is served. It may hold parameters
   * (`/webhooks/telegram/:key`, a channel row's public key), read through
   * `param`; refusals are counted under the pattern, never the key.
   */
  readonly path: string;
  /** Larger bodies get 413 without being read to the end. */
  readonly maxBodyBytes: number;
  /** Checked before the body is read (a secret header); a reply here ends the request. */
  readonly precheck?: (
    header: HeaderReader,
    param?: ParamReader,
  ) => RawReply | undefined | Promise<RawReply | undefined>;
  /** Must not throw for bad input: a bad delivery is a 4xx reply, not an exception. */
  readonly handle: (body: Buffer, header: HeaderReader, param?: ParamReader) => RawReply | Promise<RawReply>;
}

const TOO_LARGE: RawReply = { status: 413, json: { ok: false, error: 'too_large' } };
const FAILED: RawReply = { status: 500, json: { ok: false, error: 'internal' } };

/** Counts a refused call (4xx) in the summary, by the reply's error code. */
function noteRefusal(rejections: RejectionLog | undefined, path: string, reply: RawReply): RawReply {
  if (rejections && reply.status >= 400 && reply.status < 500) {
    const error = (reply.json as { error?: unknown } | null)?.error;
    rejections.note(path, reply.status, typeof error === 'string' ? error : undefined);
  }
  return reply;
}

/**
 * Mounts a webhook route on the app. A failed precheck (a wrong secret) is
 * answered before the body is read, and a body over the route's limit is cut
 * off as it streams in (413), never buffered whole.
 */
export function mountRawRoute(app: Hono, route: RawRoute, logger: Logger, rejections?: RejectionLog): void {
  const answer = (reply: RawReply) => noteRefusal(rejections, route.path, reply);
  app.post(
    route.path,
    async (c, next) => {
      const early = await route.precheck?.(
        (name) => c.req.header(name),
        (name) => c.req.param(name),
      );
      if (!early) return next();
      // The body is not read; the connection closes after the answer so nothing unread is left on it.
      c.header('Connection', 'close');
      const reply = answer(early);
      return c.json(reply.json, reply.status);
    },
    bodyLimit({
      maxSize: route.maxBodyBytes,
      onError: (c) => {
        c.header('Connection', 'close');
        const reply = answer(TOO_LARGE);
        return c.json(reply.json, reply.status);
      },
    }),
    async (c) => {
      const header: HeaderReader = (name) => c.req.header(name);
      let reply: RawReply;
      try {
        reply = await route.handle(Buffer.from(await c.req.arrayBuffer()), header, (name) => c.req.param(name));
      } catch (err) {
        logger.error({ err: err instanceof Error ? err.message : String(err), path: route.path }, 'webhook failed');
        reply = FAILED;
      }
      reply = answer(reply);
      c.header('Cache-Control', 'no-store');
      return c.json(reply.json, reply.status);
    },
  );
}
