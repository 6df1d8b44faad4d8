/**
 * @module http/serve
 *
 * Listens with a built app and stops it cleanly, whichever database is
 * behind it: it drains first (every new request, webhooks included, gets 503
 * so Telegram and Zalo deliver it again later; /healthz says "stopping"),
 * then the listener closes and in-flight requests finish. server.ts (SQLite)
 * and pgServer.ts (PostgreSQL) build the app; this runs it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { HealthMonitor } from './health.js';
import { listenError } from './listenError.js';
import type { RejectionLog } from './rejectionLog.js';

export interface RunningServer {
  readonly port: number;
  /** Stops taking new work: every request from now on gets 503, /healthz included. */
  drain(): void;
  stop(): Promise<void>;
}

const STOPPING_BODY = JSON.stringify({
  error: 'stopping',
  message: 'Hệ thống đang khởi động lại. Bà con vui lòng thử lại sau ít phút.',
});

/** The answer to a request that arrives while the service stops: try again later, on a new connection. */
function refuse(res: ServerResponse): void {
  res.writeHead(503, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(STOPPING_BODY),
    'retry-after': '30',
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(STOPPING_BODY);
}

export async function serveApp(opts: {
  readonly app: Hono;
  readonly port: number;
  readonly host: string;
  readonly health: Pick<HealthMonitor, 'markStopping'>;
  readonly rejections: RejectionLog;
}): Promise<RunningServer> {
  const { port: PORT, host: HOST, health, rejections } = opts;
  const serve = getRequestListener(opts.app.fetch);
  let draining = false;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    // /healthz still answers (503, "stopping") so a load balancer sees why.
    if (draining && !(req.url ?? '').startsWith('/healthz')) return refuse(res);
    void serve(req, res);
  };
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer(listener);
    s.once('error', (err) => reject(listenError(err, PORT, HOST)));
    s.listen(PORT, HOST, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : PORT;
  const drain = (): void => {
    draining = true;
    health.markStopping();
  };
  return {
    port,
    drain,
    stop: () =>
      new Promise<void>((resolve) => {
        drain();
        // In-flight requests finish; keep-alive sockets that fall idle are closed as soon as they do,
        // so stop() does not wait for the clients' keep-alive timeout.
        const sweep = setInterval(() => {
          if ('closeIdleConnections' in server) server.closeIdleConnections();
        }, 50);
        server.close(() => {
          clearInterval(sweep);
          rejections.flush();
          resolve();
        });
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }),
  };
}
