/**
 * @module main
 *
 * The composition root of `npm start`: config → logger → database and
 * knowledge index → engine → HTTP server, and a graceful stop on SIGINT or
 * SIGTERM. With no token and no key set, this is the embedded default: the web
 * chat answering from the bundled knowledge base.
 */
import { CHANNEL_FACTORIES } from './channels/index.js';
import type { ChannelRuntime } from './channels/runtime.js';
import { ConfigError, loadConfig } from './config.js';
import type { Logger } from './logger.js';
import type { Services } from './services.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';
import { createServices } from './services.js';

/** The optional channels switched on by the environment (none by default). */
function startChannels(services: Services, logger: Logger): ChannelRuntime[] {
  const out: ChannelRuntime[] = [];
  for (const factory of CHANNEL_FACTORIES) {
    const runtime = factory({ env: process.env, services, logger });
    if (runtime) {
      logger.info({ channel: runtime.name }, 'channel enabled');
      out.push(runtime);
    }
  }
  return out;
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(
        `Cấu hình không hợp lệ (invalid configuration):\n${err.issues.map((i) => `  - ${i}`).join('\n')}\n`,
      );
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const started = performance.now();
  const services = createServices(config, logger);
  const report = await services.ingest();
  const channels = startChannels(services, logger);
  const server = await startServer(services, logger, channels);
  for (const c of channels) await c.start();
  logger.info(
    {
      port: server.port,
      database: config.DATABASE_PATH,
      knowledge: config.KNOWLEDGE_DIR,
      documents: services.index.documents().length,
      skipped: report.failed.length,
      readyMs: Math.round(performance.now() - started),
    },
    `Hocvuso is ready: open http://localhost:${server.port}/`,
  );

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
    for (const c of channels) await c.stop();
    await server.stop();
    services.close();
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
