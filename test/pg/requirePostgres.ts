/**
 * Runs before every PostgreSQL test file: without a server to reach, say how
 * to get one instead of failing on a connection error in each test.
 */
if (!process.env.PGHOST || !process.env.PGPORT) {
  throw new Error(
    'The PostgreSQL tests need a server: run `scripts/test-pg.sh` (it starts a throw-away one with pg_virtualenv), ' +
      'or set PGHOST, PGPORT, PGUSER and PGPASSWORD for a server where that user may create databases and roles.',
  );
}
