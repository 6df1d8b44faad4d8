/**
 * @module main
 *
 * The composition root of `npm start`: config → logger → database and
 * knowledge index → engine → HTTP server, and a graceful stop on SIGINT or
 * SIGTERM. With no token and no key set, this is the embedded default: the web
 * chat answering from the bundled knowledge base.
 */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { runService } from './run.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  const service = await runService(config, logger, process.env);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    timer.unref();
    await service.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(
      `Cấu hình không hợp lệ (invalid configuration):\n${err.issues.map((i) => `  - ${i}`).join('\n')}\n`,
    );
    process.exit(2);
  }
  process.stderr.write(`Không khởi động được Hocvuso: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
