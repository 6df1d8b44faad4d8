/**
 * What every TelegramStore (core/stores/telegram.ts) must do, whatever its
 * database: run from test/integration/telegramStoreContract.test.ts (SQLite)
 * and test/pg/pgTelegramStore.test.ts (PostgreSQL). Named *.contract.ts so
 * vitest does not collect it on its own.
 */
import { expect, it } from 'vitest';
import type { SentPoll, TelegramStore } from '../../src/core/stores/telegram.js';

export interface TelegramStoreHarness {
  readonly store: TelegramStore;
  /** Writes a row of the old update-id table (only pruned now). */
  seedProcessedUpdate(updateId: number, at: Date): Promise<void>;
}

const poll = (pollId: string, sentAt: string, over: Partial<SentPoll> = {}): SentPoll => ({
  pollId,
  userId: '4242',
  chatId: 4242,
  messageId: 17,
  attemptId: 'att-1',
  questionIndex: 2,
  values: ['quiz:answer:0', 'quiz:answer:1', 'quiz:answer:2'],
  explained: true,
  sentAt,
  ...over,
});

/**
 * Registers the contract's cases (call inside a describe, after the harness is set up). The cases
 * share one database on PostgreSQL: each uses its own ids and dates, so none sees another's rows.
 */
export function telegramStoreContract(harness: () => TelegramStoreHarness): void {
  it('finds a sent poll by its id, and a poll saved again is replaced', async () => {
    const { store } = harness();
    await store.savePoll(poll('p-1', '2026-12-01T08:00:00.000Z'));
    expect(await store.findPoll('p-1')).toEqual(poll('p-1', '2026-12-01T08:00:00.000Z'));
    await store.savePoll(poll('p-1', '2026-12-01T08:05:00.000Z', { explained: false, questionIndex: 3 }));
    expect(await store.findPoll('p-1')).toMatchObject({ explained: false, questionIndex: 3 });
    expect(await store.findPoll('nope')).toBeUndefined();
  });

  it('remembers a chat that blocked the bot until it is active again', async () => {
    const { store } = harness();
    expect(await store.isInactive(-100123)).toBe(false);
    await store.markInactive(-100123, 'blocked', new Date('2026-12-01T08:00:00.000Z'));
    await store.markInactive(-100123, 'kicked '.repeat(50), new Date('2026-12-01T09:00:00.000Z'));
    expect(await store.isInactive(-100123)).toBe(true);
    await store.markActive(-100123);
    expect(await store.isInactive(-100123)).toBe(false);
    await store.markActive(-100123);
  });

  it('keeps a long button value under its short id; using it again refreshes its age', async () => {
    const { store } = harness();
    await store.putCallbackValue('v1', 'quiz:answer:' + 'x'.repeat(80), new Date('2026-11-01T00:00:00.000Z'));
    expect(await store.callbackValue('v1')).toBe('quiz:answer:' + 'x'.repeat(80));
    await store.putCallbackValue('v1', 'ignored', new Date('2026-12-05T00:00:00.000Z'));
    expect(await store.callbackValue('v1')).toBe('quiz:answer:' + 'x'.repeat(80));
    expect(await store.callbackValue('missing')).toBeUndefined();
    // Put on 1 November, used again on 5 December: a prune of what is older than 15 November keeps it.
    expect(await store.prune(new Date('2026-01-01T00:00:00.000Z'), new Date('2026-11-15T00:00:00.000Z'))).toBe(0);
    expect(await store.callbackValue('v1')).toBe('quiz:answer:' + 'x'.repeat(80));
  });

  it('prunes old update ids, polls and button values, and counts what it removed', async () => {
    const h = harness();
    const { store } = h;
    await h.seedProcessedUpdate(1, new Date('2026-10-01T00:00:00.000Z'));
    await h.seedProcessedUpdate(2, new Date('2026-12-01T00:00:00.000Z'));
    await store.savePoll(poll('old', '2026-11-01T00:00:00.000Z'));
    await store.savePoll(poll('new', '2026-12-03T00:00:00.000Z'));
    await store.putCallbackValue('old', 'a', new Date('2026-11-01T00:00:00.000Z'));
    await store.putCallbackValue('new', 'b', new Date('2026-12-03T00:00:00.000Z'));
    expect(await store.prune(new Date('2026-11-01T00:00:00.000Z'), new Date('2026-11-15T00:00:00.000Z'))).toBe(3);
    expect(await store.findPoll('old')).toBeUndefined();
    expect(await store.findPoll('new')).toBeDefined();
    expect(await store.callbackValue('old')).toBeUndefined();
    expect(await store.callbackValue('new')).toBe('b');
    expect(await store.prune(new Date('2026-11-01T00:00:00.000Z'), new Date('2026-11-15T00:00:00.000Z'))).toBe(0);
  });
}
