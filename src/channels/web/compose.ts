/**
 * @module channels/web/compose
 *
 * The web chat as the server runs it: the session key (SESSION_SECRET, or
 * one the install made and keeps in its database, so a restart keeps every
 * visitor's session), the shared rate limits, and session rotation written
 * through the turn's write scope (durable before the new cookie goes out).
 */
import type { Services } from '../../services.js';
import { serviceSecret } from '../../storage/sqlite/serviceSecrets.js';
import { moveWebIdentity } from '../../storage/sqlite/webIdentity.js';
import { createWebChat, type WebChat } from './chatApi.js';
import { createWebSessions, type WebSessions } from './session.js';

/** Name of the generated key in `service_secrets`. */
export const SESSION_SECRET_NAME = 'web-session-key';

export interface WebChatParts {
  readonly chat: WebChat;
  readonly sessions: WebSessions;
  readonly trustProxy: boolean;
}

export function webChatFor(services: Services): WebChatParts {
  const { config, db, citizens, writes } = services;
  const sessions = createWebSessions(config.SESSION_SECRET ?? serviceSecret(db, SESSION_SECRET_NAME));
  const chat = createWebChat(services.engine, {
    limits: services.limits,
    citizenOf: (sessionId) => citizens.findByIdentity({ channel: 'web', userId: sessionId })?.id,
    rotate: async (from, to) => {
      await writes.run(() => Promise.resolve(moveWebIdentity(db, config.COMMUNE_ID, from, to)));
    },
    newSessionId: () => sessions.issue(),
  });
  return { chat, sessions, trustProxy: config.TRUST_PROXY };
}
