/**
 * @module http/app
 *
 * The one HTTP application: the web chat page and its API, and the health
 * check; later the webhooks and the staff pages mount here too. Built as a
 * plain Hono app from explicit dependencies, so tests drive it in-process with
 * `app.request()` and no port.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { randomBytes } from 'node:crypto';
import {
  PendingQuerySchema,
  type ChatResponse,
  type WebChat,
  type WebChatResult,
  type WebPending,
} from '../channels/web/chatApi.js';
import { createWebSessions, type WebSessions } from '../channels/web/session.js';
import type { WebAssets } from '../channels/web/assets.js';
import type { Logger } from '../logger.js';
import { problem, readChatBody } from './chatBody.js';
import { chatStreamHandler } from './chatStream.js';
import type { HealthReport } from './health.js';
import { mountRawRoute, type RawRoute } from './rawRoute.js';
import type { RejectionLog } from './rejectionLog.js';
import { sendSessionCookie, visitorOf } from './webVisitor.js';

export interface AppDeps {
  /** Channel webhooks, mounted before the catch-all 404 (the server also serves them directly). */
  readonly webhooks?: readonly RawRoute[];
  /** The web chat; a fake may answer with the bare response (as if allowed, same session). */
  readonly chat: (...args: Parameters<WebChat>) => Promise<WebChatResult | ChatResponse>;
  /** Replies owed to a session (a staff member's), for the page's poll; absent: no poll endpoint. */
  readonly pending?: WebPending;
  /** Signs and checks session cookies; a key made for this app alone when absent (tests). */
  readonly sessions?: WebSessions;
  /** A reverse proxy of ours sets X-Forwarded-For: take the client's address from it. */
  readonly trustProxy?: boolean;
  /** The staff console (staff/app.ts), mounted at `/staff`; absent in tests of the chat alone. */
  readonly staff?: Hono;
  /** The public emulation board (http/board.ts), mounted at `/thi-dua` with no login. */
  readonly board?: Hono;
  /** Counts refused webhook calls into one summary line a minute. */
  readonly rejections?: RejectionLog;
  /** The health check (see http/health); a bare yes or no is accepted from fakes. */
  readonly healthy: () => boolean | HealthReport | Promise<HealthReport>;
  readonly assets: WebAssets;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const sessions = deps.sessions ?? createWebSessions(randomBytes(32));

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
      },
      // Not hono's default 'no-referrer': under it browsers post every form with `Origin: null`, which the
      // staff console's origin check must refuse, so nobody could sign in. 'same-origin' still sends no
      // Referer to any other site.
      referrerPolicy: 'same-origin',
    }),
  );

  app.onError((err, c) => {
    deps.logger.error({ err: err.message, path: c.req.path }, 'request failed');
    return c.json(problem('internal', 'Xin lỗi, hệ thống đang gặp sự cố. Bà con vui lòng thử lại sau ít phút.'), 500);
  });

  app.notFound((c) => c.json(problem('not_found', 'Không tìm thấy trang này.'), 404));

  app.get('/healthz', async (c) => {
    const answer = await deps.healthy();
    const report: HealthReport =
      typeof answer === 'boolean' ? { status: answer ? 'ok' : 'unavailable', database: answer } : answer;
    c.header('Cache-Control', 'no-store');
    return c.json(report, report.status === 'ok' ? 200 : 503);
  });

  app.get('/', (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.html(deps.assets.html);
  });
  app.get('/assets/chat.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(deps.assets.script);
  });
  app.get('/assets/chat.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(deps.assets.style);
  });

  const limitBody = bodyLimit({
    maxSize: deps.maxBodyBytes,
    onError: (c) => c.json(problem('too_large', `Nội dung gửi lên quá lớn (tối đa ${deps.maxBodyBytes} byte).`), 413),
  });
  app.post('/api/chat', limitBody, async (c) => {
    const visitor = visitorOf(c, sessions, deps.trustProxy ?? false);
    const parsed = await readChatBody(c);
    if (!parsed.ok) return parsed.res;
    const answer = await deps.chat(parsed.data, visitor);
    const result: WebChatResult =
      'status' in answer ? answer : { status: 200, body: answer, sessionId: visitor.sessionId };
    // Renewed on every answer, so only a visitor idle for the cookie's whole life starts over.
    sendSessionCookie(c, sessions, result.sessionId, visitor.secure);
    if (result.status === 429) {
      c.header('Retry-After', String(result.retryAfterSeconds));
      return c.json(result.body, 429);
    }
    return c.json(result.body);
  });
  // Staff replies for a page that has nothing to send: only a session the cookie proves has any.
  const pending = deps.pending;
  if (pending) {
    app.get('/api/chat/pending', async (c) => {
      const query = PendingQuerySchema.safeParse(c.req.query());
      if (!query.success) return c.json(problem('invalid_request', 'Địa chỉ này không nhận tham số nào.'), 400);
      c.header('Cache-Control', 'no-store');
      const visitor = visitorOf(c, sessions, deps.trustProxy ?? false);
      if (!visitor.known) return c.json({ replies: [] });
      const body = await pending(visitor.sessionId);
      sendSessionCookie(c, sessions, visitor.sessionId, visitor.secure);
      return c.json(body);
    });
  }
  // The same turn with the model's checked sentences shown as they come (see chatStream.ts).
  app.post('/api/chat/stream', limitBody, chatStreamHandler({ ...deps, sessions }));

  for (const route of deps.webhooks ?? []) mountRawRoute(app, route, deps.logger, deps.rejections);
  if (deps.staff) app.route('/staff', deps.staff);
  if (deps.board) app.route('/thi-dua', deps.board);

  return app;
}
