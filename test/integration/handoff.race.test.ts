/**
 * The web handoff's race on SQLite's turn runner, through the services: a
 * thread opened while the bot answer is prepared wins, and the answer is not
 * queued. The turn runner contract (test/contracts/turnRunner.contract.ts)
 * holds both runners to it; PostgreSQL runs it in test/pg/pgTurnRunner.test.ts.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/conversation/engine.js';
import { ACKNOWLEDGED } from '../../src/core/handoff/texts.js';
import type { OutgoingReply } from '../../src/core/messages.js';
import type { Services } from '../../src/services.js';
import { SqliteOutboxStore } from '../../src/storage/sqlite/outboxStore.js';
import { fixedClock, readyServices, tempDir } from '../helpers.js';

describe('handoff race on the SQLite turn runner', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: Services;
  const clock = fixedClock();

  beforeEach(async () => {
    tmp = tempDir('hocvuso-handoff-race-');
    services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'hocvuso.db') }, clock);
  });

  afterEach(() => {
    services.close();
    tmp.cleanup();
  });

  it('race: a thread opened while the bot answer is prepared wins — the answer is not queued', async () => {
    const outbox = new SqliteOutboxStore<OutgoingReply>(services.db, services.config.COMMUNE_ID, 'telegram');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => undefined;
    const engineStarted = new Promise<void>((resolve) => (started = resolve));
    const slow: Engine = {
      handle: async () => {
        started();
        await gate;
        return [{ kind: 'answer', text: 'Câu trả lời của trợ lý' }];
      },
      ask: () => Promise.reject(new Error('unused')),
    };
    const runner = services.turns.withEngine(slow);
    const turn = runner.run({
      claim: 'telegram:race-1',
      userId: '77',
      outbox,
      message: { channel: 'telegram', userId: '77', text: 'cách cài VNeID' },
      render: (replies) => replies,
    });
    await engineStarted;
    // Staff take over (the resident's own "gặp cán bộ" from another path) while the engine is waiting.
    const thread = await services.handoff.store.open({
      channel: 'telegram',
      userId: '77',
      reason: 'asked',
      at: clock.now(),
    });
    release();
    const outcome = await turn;
    expect(outcome.duplicate).toBe(false);
    const queued = outbox.pendingOf('77', 10).map((i) => i.payload.text);
    expect(queued).not.toContain('Câu trả lời của trợ lý');
    expect(queued).toEqual([ACKNOWLEDGED]);
    expect((await services.handoff.store.messages(thread.id, 0, 10)).map((m) => m.text)).toEqual(['cách cài VNeID']);
  });
});
