/**
 * @module channels
 *
 * The list of optional channels. Each entry returns undefined unless its
 * environment variables switch it on, so with no token set only the web chat
 * runs (the embedded default).
 */
import type { ChannelFactory } from './runtime.js';
import { telegramChannel } from './telegram/runtime.js';
import { zaloChannel } from './zalo/index.js';

export const CHANNEL_FACTORIES: readonly ChannelFactory[] = [telegramChannel, zaloChannel];
