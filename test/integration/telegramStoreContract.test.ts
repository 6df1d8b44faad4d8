/**
 * The TelegramStore contract (test/contracts/telegramStore.contract.ts) on
 * SQLite: the same cases the PostgreSQL store passes (test/pg/pgTelegramStore.test.ts).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe } from 'vitest';
import type { Services } from '../../src/services.js';
import { SqliteTelegramStore } from '../../src/storage/sqlite/telegramRepo.js';
import { type TelegramStoreHarness, telegramStoreContract } from '../contracts/telegramStore.contract.js';
import { readyServices, tempDir } from '../helpers.js';

describe('the SQLite Telegram store keeps the store contract', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: Services;
  let harness: TelegramStoreHarness;

  beforeEach(async () => {
    tmp = tempDir('hocvuso-telegram-contract-');
    services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'hocvuso.db') });
    const { db } = services;
    const communeId = services.config.COMMUNE_ID;
    harness = {
      store: new SqliteTelegramStore(db, communeId),
      seedProcessedUpdate: (updateId, at) => {
        db.prepare('INSERT INTO telegram_processed_updates (commune_id, update_id, processed_at) VALUES (?, ?, ?)').run(
          communeId,
          updateId,
          at.toISOString(),
        );
        return Promise.resolve();
      },
    };
  });

  afterEach(() => {
    services.close();
    tmp.cleanup();
  });

  telegramStoreContract(() => harness);
});
