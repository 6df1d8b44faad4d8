import type { Migration } from './index.js';

/**
 * Staff read the unanswered log to find what the assistant gets wrong. Mixed
 * together, "hi bot" and "giá vàng hôm nay" bury the real misses, and a
 * confident answer that a resident marked 👎 never appeared at all. Each row
 * now says what it is (`miss`, `unclear`, `out-of-scope`, `thumbs-down`) and,
 * for a 👎, the answer that was given.
 */
export const m006UnansweredKind: Migration = {
  version: 6,
  name: 'unanswered_kind',
  sql: `
ALTER TABLE unanswered_questions ADD COLUMN kind TEXT NOT NULL DEFAULT 'miss';
ALTER TABLE unanswered_questions ADD COLUMN answer TEXT;
`,
};
