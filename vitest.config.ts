import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites share PostgreSQL and Redis but each one uses its own schema / key prefix.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'platform',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
          exclude: ['apps/web/**', '**/node_modules/**'],
        },
      },
      // The web app runs in a DOM environment with the Vue plugin (apps/web/vitest.config.ts).
      'apps/web/vitest.config.ts',
      // The built web app in Debian's Chromium against a real all-in-one platform.
      { extends: true, test: { name: 'web-e2e', include: ['apps/web/e2e/**/*.test.ts'] } },
    ],
  },
});
