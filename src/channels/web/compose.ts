/**
 * @module channels/web/compose
 *
 * The web chat as the server runs it: the session key (SESSION_SECRET, or
 * one the install made and keeps in its database, so a restart keeps every
 * visitor's session), the shared rate limits, the web's rows of the outbox,
 * and session rotation (durable before the new cookie goes out). `webChatOver`
 * takes those parts from either database; `webChatFor` gives it SQLite's
 * (the PostgreSQL ones are in pgServer.ts, the turns in pgTurns.ts).
 */
import type { MaybePromise } from '../../core/ports.js';
import type { TurnLimits } from '../../core/rateLimit.js';
import type { Services } from '../../services.js';
import { SqliteOutboxStore } from '../../storage/sqlite/outboxStore.js';
import { serviceSecret } from '../../storage/sqlite/serviceSecrets.js';
import { rotateWebIdentity } from '../../storage/sqlite/webIdentity.js';
import {
  createWebChat,
  createWebPending,
  type WebChat,
  type WebPending,
  type WebReply,
  type WebTurns,
} from './chatApi.js';
import { createWebSessions, type WebSessions } from './session.js';

/** Name of the generated key in `service_secrets`. */
export const SESSION_SECRET_NAME = 'web-session-key';

export interface WebChatParts {
  readonly chat: WebChat;
  /** Replies owed to a session, for the page's poll while a person owns the conversation. */
  readonly pending: WebPending;
  readonly sessions: WebSessions;
  readonly trustProxy: boolean;
}

/** The turn runner and the web's outbox rows of these (SQLite) services. */
export function webTurns(services: Services): WebTurns {
  const outbox = new SqliteOutboxStore<WebReply>(services.db, services.config.COMMUNE_ID, 'web', services.writes);
  return {
    run: (request) => services.turns.run({ ...request, outbox }),
    // Read and marked in one synchronous step: nothing runs between them.
    take: (sessionId, limit, at) => {
      const owed = outbox.pendingOf(sessionId, limit);
      outbox.markDelivered(
        owed.map((r) => r.id),
        at,
      );
      return { replies: owed.map((r) => r.payload) };
    },
  };
}

/** What the web chat needs from a commune's storage, whichever database holds it. */
export interface WebChatSources {
  readonly turns: WebTurns;
  /** The key that signs session cookies (SESSION_SECRET, or the install's own). */
  readonly sessionKey: string | Buffer;
  /** The session cookie's name (default `hocvuso_sid`): another commune on the same address has its own. */
  readonly sessionCookie?: string;
  readonly limits: TurnLimits;
  readonly trustProxy: boolean;
  /** Asked when the take does not say (`WebTaken.handoff`). */
  readonly handoffOpen?: (sessionId: string) => MaybePromise<boolean>;
  /** Asked around a turn unless the turns read it themselves (`WebTurns.readsCitizen`). */
  readonly citizenOf?: (sessionId: string) => MaybePromise<string | undefined>;
  readonly rotate: (from: string, to: string) => Promise<void>;
}

export function webChatOver(sources: WebChatSources): WebChatParts {
  const sessions = createWebSessions(sources.sessionKey, sources.sessionCookie);
  const { turns, handoffOpen } = sources;
  const chat = createWebChat(turns, {
    ...(handoffOpen && { handoffOpen }),
    limits: sources.limits,
    ...(sources.citizenOf && { citizenOf: sources.citizenOf }),
    rotate: sources.rotate,
    newSessionId: () => sessions.issue(),
  });
  return {
    chat,
    pending: createWebPending(turns, { ...(handoffOpen && { handoffOpen }) }),
    sessions,
    trustProxy: sources.trustProxy,
  };
}

export function webChatFor(services: Services): WebChatParts {
  const { config, db, citizens, writes } = services;
  return webChatOver({
    turns: webTurns(services),
    sessionKey: config.SESSION_SECRET ?? serviceSecret(db, SESSION_SECRET_NAME),
    limits: services.limits,
    trustProxy: config.TRUST_PROXY,
    handoffOpen: async (sessionId) => (await services.handoff.store.openThreadOf('web', sessionId)) !== undefined,
    citizenOf: (sessionId) => citizens.findByIdentity({ channel: 'web', userId: sessionId })?.id,
    rotate: (from, to) => rotateWebIdentity(db, writes, config.COMMUNE_ID, from, to),
  });
}
