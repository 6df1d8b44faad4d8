import type { Migration } from './index.js';

/**
 * `/healthz` proves the database can still be written by writing: one row
 * per commune, its time updated at each probe. A read (`SELECT 1`) kept
 * answering from the page cache after the data folder was deleted or the
 * disk filled, so the health check said 200 while every pass was being lost.
 */
export const m008Health: Migration = {
  version: 8,
  name: 'health_checks',
  sql: `
CREATE TABLE health_checks (
  commune_id TEXT PRIMARY KEY,
  checked_at TEXT NOT NULL
);
`,
};
