/**
 * The turn runner contract (test/contracts/turnRunner.contract.ts) on SQLite:
 * the same cases the PostgreSQL runner passes (test/pg/pgTurnRunner.test.ts).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe } from 'vitest';
import type { OutgoingReply } from '../../src/core/messages.js';
import type { Services } from '../../src/services.js';
import { SqliteConversationRepo } from '../../src/storage/sqlite/conversationRepo.js';
import { SqliteHandoffStore } from '../../src/storage/sqlite/handoffRepo.js';
import { SqliteOutboxStore } from '../../src/storage/sqlite/outboxStore.js';
import { SqliteTurnRunner, TurnStateBuffer } from '../../src/storage/sqlite/turns.js';
import { type EngineOver, type TurnHarness, turnRunnerContract } from '../contracts/turnRunner.contract.js';
import { fixedClock, readyServices, tempDir } from '../helpers.js';

describe('the SQLite turn runner keeps the turn contract', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: Services;
  let harness: TurnHarness;

  beforeEach(async () => {
    tmp = tempDir('hocvuso-turns-contract-');
    services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'hocvuso.db') });
    const { db } = services;
    const communeId = services.config.COMMUNE_ID;
    const repo = new SqliteConversationRepo(db, communeId);
    const buffer = new TurnStateBuffer(repo);
    const handoff = new SqliteHandoffStore(db, communeId);
    const outbox = new SqliteOutboxStore<OutgoingReply>(db, communeId, 'telegram');
    const runners = new Map<EngineOver, SqliteTurnRunner>();
    const runnerOf = (over: EngineOver): SqliteTurnRunner => {
      const known = runners.get(over);
      if (known) return known;
      const runner = new SqliteTurnRunner({
        db,
        communeId,
        engine: over(buffer),
        clock: fixedClock(),
        state: buffer,
        handoff: { store: handoff },
      });
      runners.set(over, runner);
      return runner;
    };
    harness = {
      run: (turn, over) => runnerOf(over).run({ ...turn, outbox, render: (replies) => replies }),
      pendingTexts: (userId) => Promise.resolve(outbox.pendingOf(userId, 100).map((i) => i.payload.text)),
      state: (userId) => Promise.resolve(repo.get({ channel: 'telegram', userId })),
      claims: (claim) =>
        Promise.resolve(
          (
            db
              .prepare('SELECT COUNT(*) AS n FROM turn_claims WHERE commune_id = ? AND claim_key = ?')
              .get(communeId, claim) as { n: number }
          ).n,
        ),
      openThread: (userId) =>
        Promise.resolve(handoff.open({ channel: 'telegram', userId, reason: 'asked', at: new Date() }).id),
      openThreadOf: (userId) => Promise.resolve(handoff.openThreadOf('telegram', userId)?.id),
      threadMessages: (id) => Promise.resolve(handoff.messages(id, 0, 100).map((m) => `${m.author}: ${m.text}`)),
    };
  });

  afterEach(() => {
    services.close();
    tmp.cleanup();
  });

  turnRunnerContract(() => harness);
});
