/**
 * @module channels/zalo/pgChannel
 *
 * The Zalo channel when several processes share one PostgreSQL database
 * (issue 20): the same channel as on SQLite (channel.ts: webhook, handler,
 * tokens, recovery, timers), over PgZaloStore for its state and pgDelivery.ts
 * for its turns and sending. What runs in every process and why that is
 * safe: a webhook delivery is recorded once (the event's row), a recovered
 * event is answered once (the turn's claim), the refresh token is spent once
 * (its row locked across the call), pruning runs once per round (an advisory
 * lock) and each reply row is claimed by one process (SharedDispatcher).
 */
import type { SecretBox } from '../../storage/secretBox.js';
import type { PgDb } from '../../storage/pg/db.js';
import { PgOutboxStore } from '../../storage/pg/pgOutboxStore.js';
import { PgZaloStore } from '../../storage/pg/pgZaloStore.js';
import { SharedDispatcher } from '../sharedDispatcher.js';
import { buildZaloChannel, zaloAccountOf, type ZaloChannelOptions, type ZaloRuntime } from './channel.js';
import { pgDelivery, type PgTurns } from './pgDelivery.js';
import type { OutboundMessage } from './render.js';
import { zaloSender } from './send.js';

export interface PgZaloChannelDeps extends ZaloChannelOptions {
  /** The commune's PgTurnRunner (pgCommune.ts `turns`). */
  readonly turns: PgTurns;
  readonly db: PgDb;
  /** Seals the OA's tokens: the same key in every process (SECRETS_KEY_FILE), or they cannot open them. */
  readonly secrets: SecretBox;
  readonly communeId: string;
  /** How long a claimed reply keeps other processes off it (sharedDispatcher.ts). */
  readonly leaseMs?: number;
}

export interface PgZaloChannel extends ZaloRuntime {
  readonly store: PgZaloStore;
  readonly outbox: PgOutboxStore<OutboundMessage>;
}

export function createPgZaloChannel(deps: PgZaloChannelDeps): PgZaloChannel {
  const store = new PgZaloStore(deps.db, deps.communeId, zaloAccountOf(deps.config), deps.secrets);
  const outbox = new PgOutboxStore<OutboundMessage>(deps.db, deps.communeId, 'zalo');
  const runtime = buildZaloChannel(deps, store, (parts, logger) =>
    pgDelivery({
      turns: deps.turns,
      store,
      dispatcher: new SharedDispatcher({
        store: outbox,
        sender: zaloSender({
          store,
          send: parts.send,
          window: parts.window,
          clock: deps.clock,
          resident: (userId, now) => store.residentForSend(userId, now),
        }),
        clock: deps.clock,
        logger,
        backoff: deps.backoff,
        random: deps.random,
        leaseMs: deps.leaseMs,
      }),
    }),
  );
  return { ...runtime, store, outbox };
}
