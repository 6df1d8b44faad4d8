/**
 * @module http/rawRoute
 *
 * Webhook endpoints (Telegram, Zalo) as plain functions of the bytes received
 * and the headers, answered with a status and a small JSON body. Two reasons:
 *
 *  - a signature must be checked over the raw body exactly as it arrived, so
 *    the handler gets the bytes, never a re-serialised object;
 *  - webhooks are the service's hot path. Served straight from Node's
 *    request (see `rawListener`), a delivery costs about a third of what the
 *    same route costs through the fetch-style `Request` the app framework
 *    builds (measured on loopback: ~100 µs against ~300 µs per request,
 *    client and server together).
 *
 * The same route is also mounted on the Hono app (`mountRawRoute`), so
 * in-process tests with `app.request()` drive exactly the code the server
 * runs, and a server without the fast path still answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../logger.js';
import type { RejectionLog } from './rejectionLog.js';

/** Reads a request header by name, case-insensitively; undefined when absent. */
export type HeaderReader = (name: string) => string | undefined;

export interface RawReply {
  readonly status: ContentfulStatusCode;
  readonly json: unknown;
}

export interface RawRoute {
  /** Exact path (no trailing slash); only POST is served. */
  readonly path: string;
  /** Larger bodies get 413 without being read to the end. */
  readonly maxBodyBytes: number;
  /** Checked before the body is read (a secret header); a reply here ends the request. */
  readonly precheck?: (header: HeaderReader) => RawReply | undefined;
  /** Must not throw for bad input: a bad delivery is a 4xx reply, not an exception. */
  readonly handle: (body: Buffer, header: HeaderReader) => RawReply | Promise<RawReply>;
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

/** Mounts a raw route on the Hono app, for in-process callers and tests. */
export function mountRawRoute(app: Hono, route: RawRoute, rejections?: RejectionLog): void {
  app.post(route.path, async (c) => {
    const header: HeaderReader = (name) => c.req.header(name);
    const answer = (reply: RawReply) => {
      noteRefusal(rejections, route.path, reply);
      return c.json(reply.json, reply.status);
    };
    const early = route.precheck?.(header);
    if (early) return answer(early);
    const declared = Number(c.req.header('content-length'));
    if (Number.isFinite(declared) && declared > route.maxBodyBytes) return answer(TOO_LARGE);
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.byteLength > route.maxBodyBytes) return answer(TOO_LARGE);
    return answer(await route.handle(body, header));
  });
}

function send(res: ServerResponse, reply: RawReply): void {
  const text = JSON.stringify(reply.json);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/** Reads the body up to `limit` bytes; undefined when it is larger (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A Node request listener that serves POSTs to the raw routes itself and
 * hands every other request to `fallback` (the Hono app's listener).
 */
export function rawListener(
  routes: readonly RawRoute[],
  fallback: (req: IncomingMessage, res: ServerResponse) => unknown,
  logger: Logger,
  rejections?: RejectionLog,
): (req: IncomingMessage, res: ServerResponse) => void {
  const byPath = new Map(routes.map((r) => [r.path, r]));
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const route = req.method === 'POST' ? byPath.get(q < 0 ? url : url.slice(0, q)) : undefined;
    if (!route) {
      void fallback(req, res);
      return;
    }
    const header: HeaderReader = (name) => {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    void (async () => {
      const refused = (reply: RawReply): RawReply => noteRefusal(rejections, route.path, reply);
      const early = route.precheck?.(header);
      if (early) {
        // The body is not read; the connection closes after the answer so nothing unread is left on it.
        res.setHeader('connection', 'close');
        return send(res, refused(early));
      }
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > route.maxBodyBytes) {
        res.setHeader('connection', 'close');
        return send(res, refused(TOO_LARGE));
      }
      const body = await readBody(req, route.maxBodyBytes);
      if (!body) return send(res, refused(TOO_LARGE));
      send(res, refused(await route.handle(body, header)));
    })().catch((err: unknown) => {
      logger.error({ err: err instanceof Error ? err.message : String(err), path: route.path }, 'webhook failed');
      if (!res.headersSent) send(res, FAILED);
      else res.destroy();
    });
  };
}
