/**
 * @module cli/serve
 *
 * `cli serve`: the HTTP server, for those who prefer one entry point. Stops on
 * SIGINT/SIGTERM like `npm start`.
 */
import { startServer } from '../server.js';
import { createServices } from '../services.js';
import type { CliContext } from './index.js';

export async function runServe(ctx: CliContext): Promise<number> {
  const services = createServices(ctx.config, ctx.logger);
  await services.ingest();
  const server = await startServer(services, ctx.logger);
  ctx.logger.info({ port: server.port }, `Hocvuso is ready: open http://localhost:${server.port}/`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.stop();
  services.close();
  return 0;
}
