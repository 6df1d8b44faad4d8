/**
 * @module main
 *
 * The composition root of `npm start`: config → logger → database and
 * knowledge index → engine → HTTP server, and a bounded graceful stop on
 * SIGINT or SIGTERM (see shutdown.ts). With no token and no key set, this is
 * the embedded default: the web chat answering from the bundled knowledge
 * base.
 */
import { loadChannelSettings } from './channelSettings.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { stopOnSignals } from './shutdown.js';
import { BAD_SETTING_EXIT, badSettingMessage } from './startupError.js';

async function main(): Promise<void> {
  // Every setting is parsed here, once: a bad one is named before anything starts, and no part reads the environment.
  const config = loadConfig(process.env);
  const channels = loadChannelSettings(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  // Loaded after the settings are checked, so a bad one is reported at once, not after loading everything.
  const { runService } = await import('./run.js');
  const service = await runService(config, logger, channels);
  stopOnSignals(service, logger);
}

main().catch((err: unknown) => {
  const bad = badSettingMessage(err);
  if (bad !== undefined) {
    process.stderr.write(bad);
    process.exit(BAD_SETTING_EXIT);
  }
  process.stderr.write(`Không khởi động được Hocvuso: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
