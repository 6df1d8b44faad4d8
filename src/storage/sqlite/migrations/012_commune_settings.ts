import type { Migration } from './index.js';

/**
 * What staff set up in the console (issue 17, item 1): the hamlet list, the
 * contacts, and the population per hamlet × target group with the adults
 * certified on VNeID per hamlet (plan §III d), the denominators of every
 * progress report.
 *
 * `commune_settings` is one row per commune: a revision that grows at every
 * save (a running service compares it to notice a change), whether the
 * hamlet list was ever saved here (then `commune_hamlets` replaces the list
 * of commune.yaml, even when empty), and the contacts as JSON in
 * commune.yaml's own shape (NULL: take the file's).
 *
 * Whether a hamlet id was used is answered from the rows themselves, each by
 * an index: citizens (citizens_by_hamlet_group), the anonymous counts
 * (their primary keys start with commune and hamlet), population and
 * vneid_certified (primary keys), staff accounts (their own table). Counts
 * are whole people, never negative.
 */
export const m012CommuneSettings: Migration = {
  version: 12,
  name: 'commune_settings',
  sql: `
CREATE TABLE commune_settings (
  commune_id TEXT PRIMARY KEY REFERENCES communes(id),
  revision INTEGER NOT NULL DEFAULT 0,
  hamlets_saved INTEGER NOT NULL DEFAULT 0 CHECK (hamlets_saved IN (0, 1)),
  contacts TEXT CHECK (contacts IS NULL OR json_valid(contacts)),
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

CREATE TABLE commune_hamlets (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  position INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (commune_id, id)
) WITHOUT ROWID;

CREATE TABLE population (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  hamlet_id TEXT NOT NULL,
  group_id TEXT NOT NULL,
  people INTEGER NOT NULL CHECK (people >= 0),
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (commune_id, hamlet_id, group_id)
) WITHOUT ROWID;

CREATE TABLE vneid_certified (
  commune_id TEXT NOT NULL REFERENCES communes(id),
  hamlet_id TEXT NOT NULL,
  certified INTEGER NOT NULL CHECK (certified >= 0),
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (commune_id, hamlet_id)
) WITHOUT ROWID;
`,
};
