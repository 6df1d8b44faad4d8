import { defineConfig } from 'vitest/config';

/**
 * The PostgreSQL tests (test/pg), apart from `npm test` because they need a
 * server: `npm run test:pg` with PG* variables set, or scripts/test-pg.sh,
 * which starts a throw-away server first. Each file makes its own database.
 */
export default defineConfig({
  test: {
    include: ['test/pg/**/*.test.ts'],
    setupFiles: ['test/setup.ts', 'test/pg/requirePostgres.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
