/**
 * @module channels/zalo
 *
 * The Zalo channel's entry in CHANNEL_FACTORIES: off unless its settings are
 * there (see channelSettings.ts and config.ts), otherwise the runtime for the
 * configured product (OA or Bot Platform) over the shared services.
 */
import type { ChannelFactory } from '../runtime.js';
import { cryptoRandom, systemClock } from '../../services.js';
import { createZaloChannel } from './channel.js';

export const zaloChannel: ChannelFactory = ({ settings, services, logger }) => {
  const zalo = settings.zalo;
  if (!zalo) return undefined;
  // Removed setting: events are always handled in the process that receives them
  // (README, "Under load"); an old .env that still sets it should hear so once.
  if (zalo.removedThreadsSetting) {
    logger.warn('ZALO_HANDLER_THREADS không còn được dùng: tin nhắn Zalo luôn được xử lý ngay trong tiến trình nhận');
  }
  return createZaloChannel({
    config: zalo.config,
    turns: services.turns,
    db: services.db,
    secrets: services.secrets(),
    writes: services.writes,
    communeId: services.config.COMMUNE_ID,
    logger,
    maxBodyBytes: services.config.MAX_BODY_BYTES,
    clock: systemClock,
    envProxy: zalo.envProxy,
    rateLimit: services.limits.perIdentity,
    random: cryptoRandom,
  });
};
