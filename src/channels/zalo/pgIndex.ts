/**
 * @module channels/zalo/pgIndex
 *
 * The Zalo channel from .env on PostgreSQL (pgRun.ts), as index.ts builds it
 * on SQLite: off unless its settings are there, otherwise the runtime for the
 * home commune over that commune's turns, limits and the database.
 */
import type { ChannelSettings } from '../../channelSettings.js';
import type { Logger } from '../../logger.js';
import type { PgCommune } from '../../pgCommune.js';
import { cryptoRandom, systemClock } from '../../services.js';
import type { PgDb } from '../../storage/pg/db.js';
import type { SecretBox } from '../../storage/secretBox.js';
import { createPgZaloChannel, type PgZaloChannel } from './pgChannel.js';

export function pgZaloChannel(ctx: {
  readonly settings: ChannelSettings;
  readonly commune: PgCommune;
  readonly pg: PgDb;
  readonly secrets: () => SecretBox;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}): PgZaloChannel | undefined {
  const zalo = ctx.settings.zalo;
  if (!zalo) return undefined;
  if (zalo.removedThreadsSetting) {
    ctx.logger.warn(
      'ZALO_HANDLER_THREADS không còn được dùng: tin nhắn Zalo luôn được xử lý ngay trong tiến trình nhận',
    );
  }
  return createPgZaloChannel({
    config: zalo.config,
    turns: ctx.commune.turns,
    db: ctx.pg,
    secrets: ctx.secrets(),
    communeId: ctx.commune.communeId,
    logger: ctx.logger,
    maxBodyBytes: ctx.maxBodyBytes,
    clock: systemClock,
    envProxy: zalo.envProxy,
    rateLimit: ctx.commune.limits.perIdentity,
    random: cryptoRandom,
  });
}
