/**
 * @module server
 *
 * Starts the HTTP server over the shared services and stops it cleanly: the
 * listener closes first (no new requests), in-flight requests finish, then the
 * database closes. Used by `npm start` (main.ts) and `cli serve`.
 */
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { ChannelRuntime } from './channels/runtime.js';
import { loadWebAssets } from './channels/web/assets.js';
import { webChatFor } from './channels/web/compose.js';
import { createApp } from './http/app.js';
import { rawListener } from './http/rawRoute.js';
import { RejectionLog } from './http/rejectionLog.js';
import type { Logger } from './logger.js';
import type { Services } from './services.js';
import { pingDatabase } from './storage/sqlite/db.js';

export interface RunningServer {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startServer(
  services: Services,
  logger: Logger,
  channels: readonly ChannelRuntime[] = [],
): Promise<RunningServer> {
  const webhooks = channels.flatMap((c) => c.webhooks ?? []);
  const rejections = new RejectionLog(logger);
  const app = createApp({
    webhooks,
    rejections,
    ...webChatFor(services),
    healthy: () => pingDatabase(services.db),
    assets: loadWebAssets(),
    logger,
    maxBodyBytes: services.config.MAX_BODY_BYTES,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    // Webhooks are served straight from Node's request; everything else goes through the app.
    const s = createServer(rawListener(webhooks, getRequestListener(app.fetch), logger, rejections));
    s.once('error', reject);
    s.listen(services.config.PORT, services.config.HOST, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : services.config.PORT;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
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
