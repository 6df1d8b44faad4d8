/**
 * The ConversationStateRepo contract, run on SQLite
 * (test/integration/conversationRepo.test.ts) and PostgreSQL
 * (test/pg/conversationRepo.test.ts): state is one JSON document per
 * (channel, user) that reads back exactly as written, replaced whole by the
 * next write, and deleted on its own. Named *.contract.ts so no vitest config
 * collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationState, ConversationStateRepo, MaybePromise } from '../../src/core/ports.js';
import type { TableAccess } from './tables.js';

export interface ConversationSubject {
  readonly repo: ConversationStateRepo;
  readonly tables: TableAccess;
  readonly close: () => MaybePromise<void>;
}

const T0 = new Date('2026-12-01T08:00:00.000Z');
const ZALO = { channel: 'zalo', userId: '7319046628815502011' } as const;
const TELEGRAM_SAME_ID = { channel: 'telegram', userId: '7319046628815502011' } as const;
const ZALO_OTHER = { channel: 'zalo', userId: '4102938475610293847' } as const;

const STATE: ConversationState = {
  offered: [
    { label: 'Cài đặt VNeID mức 2', value: 'faq:vneid-muc-2' },
    { label: 'Hỏi cán bộ xã', value: 'handoff:ask' },
  ],
  unsureStreak: 1,
  quiz: { attemptId: 'att-1', shown: [2, 0, 1] },
  lastTopic: 'định danh điện tử — "mức 2" \\ 🙂',
  empty: null,
};

export function describeConversationRepoContract(name: string, make: () => MaybePromise<ConversationSubject>): void {
  describe(`ConversationStateRepo contract (${name})`, () => {
    let subject: ConversationSubject | undefined;
    const open = async (): Promise<ConversationSubject> => (subject = await make());
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it('reads back exactly the state written, and nothing for a key never written', async () => {
      const { repo } = await open();
      expect(await repo.get(ZALO)).toBeUndefined();
      await repo.set(ZALO, STATE, T0);
      expect(await repo.get(ZALO)).toEqual(STATE);
      // The same user id on another channel, and another user, are other keys.
      expect(await repo.get(TELEGRAM_SAME_ID)).toBeUndefined();
      expect(await repo.get(ZALO_OTHER)).toBeUndefined();
    });

    it('replaces the whole state on the next write, with its time', async () => {
      const { repo, tables } = await open();
      await repo.set(ZALO, STATE, T0);
      const later = new Date(T0.getTime() + 60_000);
      await repo.set(ZALO, { unsureStreak: 0 }, later);
      expect(await repo.get(ZALO)).toEqual({ unsureStreak: 0 });
      const rows = await tables.rows('conversation_state');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        channel: 'zalo',
        user_id: ZALO.userId,
        state_json: JSON.stringify({ unsureStreak: 0 }),
        updated_at: later.toISOString(),
      });
    });

    it('deletes one key and leaves the others; deleting a missing key is harmless', async () => {
      const { repo } = await open();
      await repo.set(ZALO, STATE, T0);
      await repo.set(TELEGRAM_SAME_ID, { unsureStreak: 2 }, T0);
      await repo.set(ZALO_OTHER, {}, T0);
      await repo.delete(ZALO);
      await repo.delete({ channel: 'web', userId: 'nobody' });
      expect(await repo.get(ZALO)).toBeUndefined();
      expect(await repo.get(TELEGRAM_SAME_ID)).toEqual({ unsureStreak: 2 });
      expect(await repo.get(ZALO_OTHER)).toEqual({});
      await repo.set(ZALO, { unsureStreak: 1 }, T0);
      expect(await repo.get(ZALO)).toEqual({ unsureStreak: 1 });
    });
  });
}
