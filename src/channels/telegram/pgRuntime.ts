/**
 * @module channels/telegram/pgRuntime
 *
 * The Telegram channel of .env (TELEGRAM_BOT_TOKEN) on PostgreSQL, for the
 * install's own commune, when several processes share the database (issue
 * 20): the same runtime as on SQLite (runtime.ts), over the commune's
 * PostgreSQL turn runner, its Telegram store and the shared outbox
 * (pgDelivery.ts). Every process may take webhook updates: a redelivered
 * update is answered once, whichever process gets it, and each resident's
 * replies go out in order whichever process sends them.
 */
import type { Clock, Random } from '../../core/ports.js';
import type { Logger } from '../../logger.js';
import type { PgCommune } from '../../pgCommune.js';
import { cryptoRandom, systemClock } from '../../services.js';
import type { PgDb } from '../../storage/pg/db.js';
import { PgTelegramStore } from '../../storage/pg/pgTelegramStore.js';
import type { BackoffPolicy } from '../outbox.js';
import type { TelegramConfig } from './config.js';
import { pgTelegramDelivery } from './pgDelivery.js';
import { createTelegramRuntimeOver, type TelegramRuntime, type TelegramRuntimeBase } from './runtime.js';

export interface PgTelegramOptions {
  readonly clock?: Clock;
  readonly random?: Random;
  readonly backoff?: BackoffPolicy;
  /** Test hooks: bot info, a fake transport, retry and timeout settings. */
  readonly bot?: TelegramRuntimeBase['bot'];
}

/** The runtime of `config`'s bot for `commune`, its rows in the database `pg`. */
export function pgTelegramRuntime(
  config: TelegramConfig,
  pg: PgDb,
  commune: Pick<PgCommune, 'communeId' | 'turns' | 'limits' | 'quizzes'>,
  logger: Logger,
  options: PgTelegramOptions = {},
): TelegramRuntime {
  for (const id of Object.keys(config.TELEGRAM_QUIZ_STYLE_BY_QUIZ)) {
    if (!commune.quizzes.get(id)) {
      logger.warn(
        { quiz: id },
        'TELEGRAM_QUIZ_STYLE_BY_QUIZ có mã bài kiểm tra không có trong thư mục knowledge/quizzes',
      );
    }
  }
  const clock = options.clock ?? systemClock;
  return createTelegramRuntimeOver(
    {
      config,
      store: new PgTelegramStore(pg, commune.communeId),
      logger,
      clock,
      rateLimit: commune.limits.perIdentity,
      ...(options.bot && { bot: options.bot }),
    },
    pgTelegramDelivery({
      db: pg,
      communeId: commune.communeId,
      turns: commune.turns,
      clock,
      random: options.random ?? cryptoRandom,
      ...(options.backoff && { backoff: options.backoff }),
    }),
  );
}
