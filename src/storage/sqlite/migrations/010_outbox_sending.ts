import type { Migration } from './index.js';

/**
 * Zalo's send API has no idempotency key, so a reply whose send was under way
 * when the process died may or may not have reached the resident. The outbox
 * now records when each attempt starts, committed before the call, so after a
 * restart the replies in that state are known (logged as possibly doubled)
 * instead of being indistinguishable from replies never tried.
 */
export const m010OutboxSending: Migration = {
  version: 10,
  name: 'outbox_sending',
  sql: `
ALTER TABLE zalo_outbox ADD COLUMN sending_at TEXT;
`,
};
