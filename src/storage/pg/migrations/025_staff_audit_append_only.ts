import { sql, type Kysely, type Migration } from 'kysely';

/**
 * PostgreSQL only (no SQLite twin: a SQLite file has no roles to take a right
 * from). The staff audit log is append-only in the database, not only in the
 * code (pgStaffAudit.ts has no UPDATE or DELETE): whoever holds the service's
 * role (DATABASE_URL) may add lines and read them, never rewrite or remove
 * one, so a compromised process cannot cover its tracks.
 *
 * - UPDATE, DELETE and TRUNCATE on `staff_audit` are revoked from every role
 *   but the table's owner (the app role of roles.ts, whatever its name, and
 *   PUBLIC); `grantAppRole` no longer grants them.
 * - Retention pruning (pgRetention.ts) must still remove lines older than
 *   RETENTION_AUDIT_DAYS. It does so through `prune_staff_audit(cutoff)`, a
 *   SECURITY DEFINER function run as the owner, which deletes only lines of
 *   the transaction's commune (`app.commune_id`, and FORCE ROW LEVEL SECURITY
 *   binds the owner too) older than the cut-off, and refuses a cut-off later
 *   than 30 days ago, the smallest RETENTION_AUDIT_DAYS the configuration
 *   accepts (limitsConfig.ts). So the app role can at most prune what the
 *   shortest allowed retention would prune; the last 30 days of lines are
 *   out of its reach. EXECUTE is revoked from PUBLIC; `grantAppRole` grants it.
 * - Erasing a citizen (pgErasure.ts) never touches the audit log, and the
 *   move from SQLite (migrate-to-pg) writes as the owner, so neither needs
 *   the rights taken away here.
 *
 * test/pg/schemaParity.test.ts lists this migration and its function as
 * PostgreSQL-only; test/pg/auditAppendOnly.test.ts checks the rights.
 */
export const m025StaffAuditAppendOnly: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(APPEND_ONLY).execute(db);
  },
};

/** The smallest RETENTION_AUDIT_DAYS (limitsConfig.ts): lines younger than this are never pruned. */
export const AUDIT_FLOOR_DAYS = 30;

const APPEND_ONLY = `
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT DISTINCT a.grantee
      FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
     WHERE c.oid = 'staff_audit'::regclass
       AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
       AND a.grantee <> c.relowner
  LOOP
    IF r.grantee = 0 THEN
      EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON staff_audit FROM PUBLIC';
    ELSE
      EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON staff_audit FROM %I', pg_get_userbyid(r.grantee));
    END IF;
  END LOOP;
END
$$;

CREATE FUNCTION prune_staff_audit(p_cutoff text)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $fn$
DECLARE
  v_commune text := current_setting('app.commune_id', true);
  v_floor text := to_char((now() AT TIME ZONE 'UTC') - interval '${AUDIT_FLOOR_DAYS} days', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
  v_removed bigint;
BEGIN
  IF v_commune IS NULL OR v_commune = '' THEN
    RAISE EXCEPTION 'prune_staff_audit: no commune set in this transaction (app.commune_id)';
  END IF;
  IF p_cutoff IS NULL OR p_cutoff > v_floor THEN
    RAISE EXCEPTION 'prune_staff_audit: cut-off % is later than % (the audit log keeps at least ${AUDIT_FLOOR_DAYS} days)',
      p_cutoff, v_floor USING ERRCODE = 'insufficient_privilege';
  END IF;
  DELETE FROM public.staff_audit WHERE commune_id = v_commune AND at < p_cutoff;
  GET DIAGNOSTICS v_removed = ROW_COUNT;
  RETURN v_removed;
END
$fn$;

REVOKE ALL ON FUNCTION prune_staff_audit(text) FROM PUBLIC;
`;
