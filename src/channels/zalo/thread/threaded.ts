/**
 * @module channels/zalo/thread/threaded
 *
 * The Zalo OA channel split over two threads (ZALO_HANDLER_THREADS=1). This
 * thread, which also serves every other request, only checks each delivery,
 * records it in the inbox file and answers 200; the handling thread
 * (worker.ts) does everything else: engine, replies, retries, tokens.
 *
 * Why: with one thread, every acknowledgement waits behind whatever handling
 * the loop is busy with, and handling is most of the work (bench:zalo). On two
 * cores the split lets both run at once, and the acknowledgements no longer
 * queue behind the engine.
 */
import type { Config } from '../../../config.js';
import type { Clock } from '../../../core/ports.js';
import type { RawRoute } from '../../../http/rawRoute.js';
import type { Logger } from '../../../logger.js';
import { startCheckpointer, type Checkpointer } from '../../../storage/sqlite/checkpointer.js';
import { openDatabase } from '../../../storage/sqlite/db.js';
import { WriteScope } from '../../../storage/sqlite/writeScope.js';
import { INBOX_MIGRATIONS, inboxPathFor, SqliteZaloInbox } from '../../../storage/sqlite/zaloInbox.js';
import type { ChannelRuntime } from '../../runtime.js';
import type { ZaloOaConfig } from '../config.js';
import { parseStoredEvent } from '../events.js';
import { zaloWebhookRoute, type Accepted } from '../webhook.js';
import { HandlerThread } from './handlerThread.js';

/** Done deliveries are kept this long to recognise Zalo's redeliveries (as in the one-thread channel). */
const RETENTION_MS = 7 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

export interface ThreadedZaloDeps {
  readonly config: ZaloOaConfig;
  /** The service's settings (database path, commune, knowledge folder), passed to the handling thread. */
  readonly service: Config;
  /** The environment the service started with; the handling thread reads the Zalo settings from it. */
  readonly env: Record<string, string | undefined>;
  readonly logger: Logger;
  readonly clock: Clock;
}

export function createThreadedZaloChannel(deps: ThreadedZaloDeps): ChannelRuntime {
  const { clock } = deps;
  const logger = deps.logger.child({ channel: 'zalo' });
  const path = inboxPathFor(deps.service.DATABASE_PATH);
  const db = openDatabase(path, INBOX_MIGRATIONS);
  const inbox = new SqliteZaloInbox(db, deps.service.COMMUNE_ID);
  const writes = new WriteScope(db, (err) => logger.error({ err }, 'zalo inbox commit failed'));
  let pruneTimer: NodeJS.Timeout | undefined;
  let checkpointer: Checkpointer | undefined;

  const thread = new HandlerThread({
    init: { config: deps.service, env: deps.env },
    logger,
    onHandled: (keys) => {
      writes.join();
      const at = clock.now();
      for (const key of keys) inbox.markHandled(key, at);
    },
    onReady: () => handOver(),
  });

  /** Hands every delivery not yet done to the (re)started thread, oldest first. */
  function handOver(): void {
    const rows = inbox.unhandled(100_000);
    for (const row of rows) {
      const event = parseStoredEvent(row.event);
      if (!event) {
        writes.join();
        inbox.markHandled(row.key, clock.now());
      } else if (!thread.dispatch({ event, key: row.key })) {
        return;
      }
    }
    if (rows.length > 0) logger.info({ events: rows.length }, 'zalo events handed to the handling thread');
  }

  let closed = false;
  const route = zaloWebhookRoute({
    config: deps.config,
    store: inbox,
    clock,
    logger,
    maxBodyBytes: deps.service.MAX_BODY_BYTES,
    writes,
    // Not handed over now means it waits in the inbox until the thread is back (handOver).
    dispatch: (a: Accepted) => void thread.dispatch(a),
  });

  // After stop the inbox is closed: Zalo is asked to deliver again later, and the next start records it.
  const webhook: RawRoute = {
    ...route,
    handle: (raw, header) =>
      closed ? Promise.resolve({ status: 503, json: { ok: false, error: 'stopping' } }) : route.handle(raw, header),
  };

  function prune(): void {
    writes.join();
    const n = inbox.prune(new Date(clock.now().getTime() - RETENTION_MS));
    if (n > 0) logger.debug({ events: n }, 'zalo inbox pruned');
  }

  return {
    name: 'zalo',
    webhooks: [webhook],
    async start() {
      if (closed) throw new Error('the threaded Zalo channel cannot start again after stop');
      // As for the commune's file: no acknowledgement pays for copying the WAL back (storage/sqlite/checkpointer).
      checkpointer ??= await startCheckpointer(db, logger);
      await thread.start();
      logger.info({ inbox: path }, 'zalo events are handled on their own thread');
      pruneTimer ??= setInterval(() => {
        try {
          prune();
        } catch (err) {
          logger.error({ err }, 'zalo inbox pruning failed');
        }
      }, PRUNE_EVERY_MS).unref();
    },
    async stop() {
      clearInterval(pruneTimer);
      pruneTimer = undefined;
      await thread.stop();
      closed = true;
      writes.commit();
      await checkpointer?.stop();
      db.close();
    },
  };
}
