/**
 * @module channels/web/pgTurns
 *
 * The web chat's turns on PostgreSQL (issue 20). What the chat needs around a
 * turn, who the session stands for before and after it (a change rotates the
 * session) and whether a person owns the conversation, is read inside the
 * turn's and the take's own transactions: on PostgreSQL every separate
 * look-up is a transaction with its round trips, and bench:scale counted
 * five transactions per web message where two now do (the turn; the take
 * with the handoff read, one statement). The take stays apart from the turn on purpose: its
 * rows are deleted as the answer is built, so a process that dies between
 * the turn's commit and its answer leaves them for the session's next one.
 */
import type { TurnOutcome } from '../../core/stores/turns.js';
import type { PgDb } from '../../storage/pg/db.js';
import { citizenOfIdentity } from '../../storage/pg/pgCitizenLocks.js';
import { takeOwedWithHandoff } from '../../storage/pg/pgOutboxStore.js';
import type { PgTurnRequest } from '../../storage/pg/pgTurnRunner.js';
import type { WebReply, WebTurnOutcome, WebTurns } from './chatApi.js';

const CHANNEL = 'web';

export interface PgWebTurnsDeps {
  readonly db: PgDb;
  readonly communeId: string;
  /** The commune's PostgreSQL turn runner (pgCommune.ts `turns`). */
  readonly turns: { run<P>(req: PgTurnRequest<P>): Promise<TurnOutcome> };
}

export function pgWebTurns(deps: PgWebTurnsDeps): WebTurns {
  const { db, communeId } = deps;
  return {
    readsCitizen: true,
    async run(request): Promise<WebTurnOutcome> {
      const citizen: { before: string | undefined; after: string | undefined } = {
        before: undefined,
        after: undefined,
      };
      const outcome = await deps.turns.run<WebReply>({
        ...request,
        outbox: { channel: CHANNEL },
        alongside: async (trx) => {
          citizen.before = await citizenOfIdentity(trx, communeId, CHANNEL, request.userId);
        },
        after: async (trx) => {
          citizen.after = await citizenOfIdentity(trx, communeId, CHANNEL, request.userId);
        },
      });
      return outcome.duplicate ? outcome : { ...outcome, citizen };
    },
    take: (sessionId, limit) => takeOwedWithHandoff<WebReply>(db, communeId, CHANNEL, sessionId, limit),
  };
}
