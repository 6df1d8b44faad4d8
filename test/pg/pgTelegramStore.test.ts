/**
 * The Telegram store on PostgreSQL (storage/pg/pgTelegramStore.ts): the store
 * contract the SQLite store keeps too, as the app role; and one commune's
 * polls, blocked chats and button values are invisible to another's store.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgTelegramStore } from '../../src/storage/pg/pgTelegramStore.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { telegramStoreContract } from '../contracts/telegramStore.contract.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const A = 'xa-a';
const B = 'xa-b';

describe('the PostgreSQL Telegram store', () => {
  let t: TestDatabase;
  let app: Kysely<Database>;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    app = connect<Database>(t.appUrl, 2);
    for (const commune of [A, B]) {
      await withCommune(app, commune, (trx) =>
        trx
          .insertInto('communes')
          .values({ id: commune, name: `Xã ${commune}` })
          .execute(),
      );
    }
  });
  afterAll(async () => {
    await app?.destroy();
    await t?.drop();
  });

  describe('keeps the store contract', () => {
    telegramStoreContract(() => ({
      store: new PgTelegramStore(app, A),
      seedProcessedUpdate: async (updateId, at) => {
        await withCommune(app, A, (trx) =>
          trx
            .insertInto('telegram_processed_updates')
            .values({ commune_id: A, update_id: updateId, processed_at: at.toISOString() })
            .execute(),
        );
      },
    }));
  });

  it("shows commune B's store nothing of commune A's rows", async () => {
    const a = new PgTelegramStore(app, A);
    const b = new PgTelegramStore(app, B);
    const at = new Date('2026-12-01T08:00:00.000Z');
    await a.savePoll({
      pollId: 'only-a',
      userId: '1',
      chatId: 1,
      messageId: 1,
      attemptId: 'x',
      questionIndex: 0,
      values: ['v'],
      explained: false,
      sentAt: at.toISOString(),
    });
    await a.markInactive(77, 'blocked', at);
    await a.putCallbackValue('cb-a', 'value', at);
    expect(await b.findPoll('only-a')).toBeUndefined();
    expect(await b.isInactive(77)).toBe(false);
    expect(await b.callbackValue('cb-a')).toBeUndefined();
    expect(await b.prune(new Date('2027-01-01'), new Date('2027-01-01'))).toBe(0);
    await b.markActive(77);
    expect(await a.isInactive(77)).toBe(true);
    expect(await a.findPoll('only-a')).toBeDefined();
  });
});
