import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/pg needs a PostgreSQL server: `npm run test:pg` (vitest.pg.config.ts) runs it.
    exclude: [...configDefaults.exclude, 'test/pg/**'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
