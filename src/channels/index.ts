/**
 * @module channels
 *
 * The list of optional channels. The Telegram and Zalo entries return
 * undefined unless their environment variables switch them on, so with no
 * token set only the web chat answers (the embedded default); the channel
 * rows' entry is always there and answers 404 until a row is added.
 */
import { keyedChannels } from './keyed/index.js';
import type { ChannelFactory } from './runtime.js';
import { telegramChannel } from './telegram/runtime.js';
import { zaloChannel } from './zalo/index.js';

/** The last entry serves the channels kept as rows (`cli channel add`) at /webhooks/<kind>/:key; always on. */
export const CHANNEL_FACTORIES: readonly ChannelFactory[] = [telegramChannel, zaloChannel, keyedChannels];
