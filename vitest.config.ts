import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites share PostgreSQL and Redis but each one uses its own schema / key prefix.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
