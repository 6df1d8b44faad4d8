/**
 * The web chat app as the server builds it (session key, rate limits,
 * rotation from `webChatFor`), for in-process tests with `app.request()`.
 */
import type { Hono } from 'hono';
import { loadWebAssets } from '../../src/channels/web/assets.js';
import { webChatFor } from '../../src/channels/web/compose.js';
import { createApp } from '../../src/http/app.js';
import type { Services } from '../../src/services.js';
import { memoryLogger } from '../helpers.js';

export function webChatApp(services: Services): Hono {
  return createApp({
    ...webChatFor(services),
    healthy: () => true,
    assets: loadWebAssets(),
    logger: memoryLogger().logger,
    maxBodyBytes: services.config.MAX_BODY_BYTES,
  });
}
