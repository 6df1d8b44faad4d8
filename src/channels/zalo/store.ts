/**
 * @module channels/zalo/store
 *
 * What the Zalo channel keeps between restarts, as one port: the OAuth tokens
 * (the refresh token is single-use, so losing the newest one locks the OA out
 * until someone re-authorises), the events received but maybe not yet handled
 * (de-duplication and crash recovery), each resident's last interaction (the
 * free messaging window) and the outbox of replies not yet delivered. The
 * SQLite implementation lives in src/storage/sqlite/zaloStore.ts; the port
 * itself is in the core (core/stores/zalo.ts), re-exported here.
 */
export type {
  OutboxCounts,
  OutboxItem,
  OutboxStatus,
  ResidentState,
  RotatedTokens,
  TokenRotation,
  TokenState,
  ZaloStateStore,
  ZaloStore,
} from '../../core/stores/zalo.js';
