/**
 * @module cli/serve
 *
 * `cli serve`: the same service as `npm start` (web chat, enabled channels,
 * HTTP server), for those who prefer one entry point. Stops on SIGINT/SIGTERM.
 */
import { runService } from '../run.js';
import type { CliContext } from './index.js';

export async function runServe(ctx: CliContext): Promise<number> {
  const service = await runService(ctx.config, ctx.logger, process.env);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await service.stop();
  return 0;
}
