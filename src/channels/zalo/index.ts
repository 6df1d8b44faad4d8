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
import { createThreadedZaloChannel } from './thread/threaded.js';

export const zaloChannel: ChannelFactory = ({ env, services, logger }) => {
  const config = loadZaloConfig(env);
  if (!config) return undefined;
  if (config.ZALO_MODE === 'bot' && env.ZALO_HANDLER_THREADS?.trim() === '1') {
    logger.warn(
      'ZALO_HANDLER_THREADS chỉ dùng cho Zalo Official Account; Zalo Bot Platform vẫn xử lý tin nhắn trên một luồng',
    );
  }
  if (config.ZALO_MODE === 'oa' && config.ZALO_HANDLER_THREADS > 0) {
    if (services.db.memory) {
      logger.warn(
        'ZALO_HANDLER_THREADS cần cơ sở dữ liệu là một tệp (đặt DATABASE_PATH); tin nhắn Zalo được xử lý trên một luồng',
      );
    } else {
      return createThreadedZaloChannel({ config, service: services.config, env, logger, clock: systemClock });
    }
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
  });
};
