/**
 * @module channels/zalo
 *
 * The Zalo channel's entry in CHANNEL_FACTORIES: off unless its variables are
 * set (see config.ts), otherwise the runtime for the configured product (OA or
 * Bot Platform) over the shared services.
 */
import type { ChannelFactory } from '../runtime.js';
import { systemClock } from '../../services.js';
import { createZaloChannel } from './channel.js';
import { loadZaloConfig } from './config.js';
import { proxyConfigured } from './http.js';

export const zaloChannel: ChannelFactory = ({ env, services, logger }) => {
  const config = loadZaloConfig(env);
  if (!config) return undefined;
  // Removed setting: events are always handled in the process that receives them
  // (README, "Under load"); an old .env that still sets it should hear so once.
  if (env.ZALO_HANDLER_THREADS?.trim()) {
    logger.warn('ZALO_HANDLER_THREADS không còn được dùng: tin nhắn Zalo luôn được xử lý ngay trong tiến trình nhận');
  }
  return createZaloChannel({
    config,
    engine: services.turnEngine,
    db: services.db,
    writes: services.writes,
    communeId: services.config.COMMUNE_ID,
    logger,
    maxBodyBytes: services.config.MAX_BODY_BYTES,
    clock: systemClock,
    envProxy: proxyConfigured(env),
    rateLimit: services.limits.perIdentity,
  });
};
