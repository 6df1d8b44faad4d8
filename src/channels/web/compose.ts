/**
 * @module channels/web/compose
 *
 * The web chat as the server runs it: the session key (SESSION_SECRET, or
 * one the install made and keeps in its database, so a restart keeps every
 * visitor's session), the shared rate limits, the web's rows of the outbox,
 * and session rotation (durable before the new cookie goes out).
 */
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

/** The turn runner and the web's outbox rows of these services. */
export function webTurns(services: Services): WebTurns {
  return {
    turns: services.turns,
    outbox: new SqliteOutboxStore<WebReply>(services.db, services.config.COMMUNE_ID, 'web', services.writes),
  };
}

export function webChatFor(services: Services): WebChatParts {
  const { config, db, citizens, writes } = services;
  const sessions = createWebSessions(config.SESSION_SECRET ?? serviceSecret(db, SESSION_SECRET_NAME));
  const turns = webTurns(services);
  const handoffOpen = (sessionId: string): boolean =>
    services.handoff.store.openThreadOf('web', sessionId) !== undefined;
  const chat = createWebChat(turns, {
    handoffOpen,
    limits: services.limits,
    citizenOf: (sessionId) => citizens.findByIdentity({ channel: 'web', userId: sessionId })?.id,
    rotate: (from, to) => rotateWebIdentity(db, writes, config.COMMUNE_ID, from, to),
    newSessionId: () => sessions.issue(),
  });
  return { chat, pending: createWebPending(turns.outbox, { handoffOpen }), sessions, trustProxy: config.TRUST_PROXY };
}
