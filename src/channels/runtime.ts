/**
 * @module channels/runtime
 *
 * How a messaging channel (Telegram, Zalo) plugs into the one service: it is
 * switched on by its settings (parsed once at start, channelSettings.ts), may add webhook endpoints to
 * the shared HTTP server, and has a start and a stop that
 * main.ts drives with the server's lifecycle. The web chat is always on and
 * is not a runtime.
 */
import type { ReplyRoute, StaffNotice, StaffNoticeRows } from '../core/handoff/routes.js';
import type { RawRoute } from '../http/rawRoute.js';
import type { ChannelSettings } from '../channelSettings.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';

export interface ChannelRuntime {
  readonly name: string;
  /** The channel's webhook endpoints, served on the shared HTTP server (see http/rawRoute). */
  readonly webhooks?: readonly RawRoute[];
  /** How a staff reply reaches a resident on this channel (registered by run.ts for the handoff). */
  readonly replyRoute?: ReplyRoute;
  /**
   * Routes for other channel names, registered after every runtime's own `replyRoute`: the channel
   * rows' runtime serves 'telegram' and 'zalo' for the commune when no bot of that kind is set in .env.
   */
  readonly replyRoutes?: Readonly<Record<string, ReplyRoute>>;
  /** Where staff hear of a new handoff thread (Telegram's staff group, when set). */
  readonly staffNotice?: StaffNotice;
  /** The same notice as outbox rows, for PostgreSQL's turn runner (storage/pg/pgStaffNotices.ts). */
  readonly staffNoticeRows?: StaffNoticeRows;
  /** Starts background work (long polling, token refresh, outbox) once the server listens. */
  start(): Promise<void>;
  /** Stops background work; in-flight handling finishes first. */
  stop(): Promise<void>;
}

export interface ChannelContext {
  /** Every channel's parsed settings; a channel reads its own and never the environment. */
  readonly settings: ChannelSettings;
  readonly services: Services;
  readonly logger: Logger;
}

/** Returns the runtime when the channel is configured, undefined when it is switched off. */
export type ChannelFactory = (ctx: ChannelContext) => ChannelRuntime | undefined;
