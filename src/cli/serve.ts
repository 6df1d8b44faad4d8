/**
 * @module cli/serve
 *
 * `cli serve`: the same service as `npm start` (web chat, enabled channels,
 * HTTP server), for those who prefer one entry point. Stops on SIGINT/SIGTERM
 * exactly as `npm start` does (see shutdown.ts).
 */
import { loadChannelSettings } from '../channelSettings.js';
import { runService } from '../run.js';
import { stopOnSignals } from '../shutdown.js';
import type { CliContext } from './index.js';

export async function runServe(ctx: CliContext): Promise<number> {
  const service = await runService(ctx.config, ctx.logger, loadChannelSettings(process.env));
  stopOnSignals(service, ctx.logger);
  // stopOnSignals ends the process with the stop's exit code; until then the server runs.
  return new Promise<number>(() => undefined);
}
