/**
 * The turn runner (storage/sqlite/turns.ts): a turn's conversation state, its
 * claim and its queued replies land in one commit; a claimed message is a
 * duplicate; a failed engine queues the apology instead; what the engine
 * saves for an open turn waits for that commit.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingReply } from '../../src/core/messages.js';
import type { Services } from '../../src/services.js';
import { SqliteConversationRepo } from '../../src/storage/sqlite/conversationRepo.js';
import { SqliteOutboxStore } from '../../src/storage/sqlite/outboxStore.js';
import { TurnStateBuffer } from '../../src/storage/sqlite/turns.js';
import { readyServices, tempDir } from '../helpers.js';

describe('the turn runner', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: Services;
  let outbox: SqliteOutboxStore<OutgoingReply>;
  const count = (sql: string, ...args: unknown[]): number =>
    (services.db.prepare(`SELECT COUNT(*) AS n FROM ${sql}`).get(...args) as { n: number }).n;

  beforeEach(async () => {
    tmp = tempDir('hocvuso-turns-');
    services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'hocvuso.db') });
    outbox = new SqliteOutboxStore(services.db, services.config.COMMUNE_ID, 'telegram', services.writes);
  });

  afterEach(() => {
    services.close();
    tmp.cleanup();
  });

  const turn = (claim: string, userId = '42') =>
    services.turns.run({
      claim,
      userId,
      outbox,
      message: { channel: 'telegram', userId, choice: 'menu:start' },
      render: (replies) => replies,
    });

  it('commits the state, the claim and the replies together, and a claimed message is a duplicate', async () => {
    const first = await turn('telegram:1');
    expect(first.duplicate).toBe(false);
    expect(count("conversation_state WHERE channel = 'telegram' AND user_id = '42'")).toBe(1);
    expect(count("turn_claims WHERE claim_key = 'telegram:1'")).toBe(1);
    expect(count("outbox WHERE channel = 'telegram' AND status = 'pending'")).toBe(
      first.duplicate ? 0 : first.queued.length,
    );
    const again = await turn('telegram:1');
    expect(again).toEqual({ duplicate: true });
    expect(outbox.pendingOf('42', 10)).toHaveLength(first.duplicate ? 0 : first.queued.length);
  });

  it('runs two deliveries of one message at once only once', async () => {
    const [a, b] = await Promise.all([turn('telegram:2', '43'), turn('telegram:2', '43')]);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
  });

  it('queues the apology when the engine fails', async () => {
    const failing = services.turns.withEngine({
      handle: () => Promise.reject(new Error('boom')),
      ask: () => Promise.reject(new Error('unused')),
    });
    const outcome = await failing.run({
      claim: 'telegram:4',
      userId: '44',
      outbox,
      message: { channel: 'telegram', userId: '44', text: 'xin chào' },
      render: (replies) => replies,
      onError: () => [{ kind: 'error', text: 'Xin lỗi bà con.' }],
    });
    expect(outcome.duplicate ? [] : outcome.replies.map((r) => r.text)).toEqual(['Xin lỗi bà con.']);
    expect(outbox.pendingOf('44', 10).map((r) => r.payload.text)).toEqual(['Xin lỗi bà con.']);
  });

  it('holds what the engine saves for an open turn until the final transaction, and drops it if not taken', () => {
    const repo = new SqliteConversationRepo(services.db, services.config.COMMUNE_ID);
    const buffer = new TurnStateBuffer(repo);
    const key = { channel: 'web' as const, userId: 'held' };
    buffer.begin(key);
    buffer.set(key, { unsureStreak: 2 }, new Date());
    expect(buffer.get(key)).toEqual({ unsureStreak: 2 });
    expect(repo.get(key)).toBeUndefined();
    const save = buffer.take(key);
    expect(repo.get(key)).toBeUndefined();
    save?.();
    expect(repo.get(key)).toEqual({ unsureStreak: 2 });

    // A failed turn's save is taken and never applied; another conversation is written through at once.
    buffer.begin(key);
    buffer.set(key, { unsureStreak: 9 }, new Date());
    buffer.set({ channel: 'web', userId: 'other' }, { unsureStreak: 1 }, new Date());
    buffer.take(key);
    expect(repo.get(key)).toEqual({ unsureStreak: 2 });
    expect(repo.get({ channel: 'web', userId: 'other' })).toEqual({ unsureStreak: 1 });
  });
});
