import { sql, type Kysely, type Migration } from 'kysely';

/**
 * PostgreSQL only (no SQLite twin: one SQLite file is one commune, with no
 * row-level security to see past). A webhook `/webhooks/<kind>/<public key>`
 * arrives before anyone knows its commune, and the tenant fence (019c) shows
 * the app role no `channels` row outside a `withCommune` transaction. So the
 * lookup of one key runs as the tables' owner:
 *
 * - `channel_by_key(key)` is a `SECURITY DEFINER` function returning the one
 *   row with that public key (enabled or not; none for an unknown key). It
 *   reads nothing else: the app role still cannot list channels, nor see
 *   another commune's rows by SELECT. A key is 192 random bits, so holding it
 *   is already holding the row's address; the row's secrets stay sealed by
 *   the process (storage/secretBox.ts).
 * - `search_path` is pinned, so a caller's objects cannot stand in for the
 *   table or an operator inside the owner's function.
 * - The table is FORCE ROW LEVEL SECURITY, which binds its owner too: the
 *   function sees rows through one more policy, `channel_key_lookup`, which
 *   lets the owner (and only the owner) read `channels` whatever the
 *   commune. The owner runs migrations and nothing else (roles.ts).
 * - EXECUTE is revoked from PUBLIC; `grantAppRole` grants it to the app role.
 *
 * test/pg/schemaParity.test.ts lists this migration, the function and the
 * policy as PostgreSQL-only.
 */
export const m024ChannelLookup: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(LOOKUP).execute(db);
  },
};

const LOOKUP = `
DO $$
BEGIN
  EXECUTE format(
    'CREATE POLICY channel_key_lookup ON channels FOR SELECT TO %I USING (true)',
    (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = 'channels'::regclass)
  );
END
$$;

CREATE FUNCTION channel_by_key(p_public_key text)
  RETURNS SETOF channels
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $fn$
  SELECT * FROM public.channels WHERE public_key = p_public_key
$fn$;

REVOKE ALL ON FUNCTION channel_by_key(text) FROM PUBLIC;
`;
