import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatInitialSize, initialJsForRoute, SIGN_IN_BUDGET_GZIP_BYTES, SIGN_IN_SOURCE } from '../scripts/initial-size.ts';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

describe('production build', () => {
  it('loads at most 150 KiB of gzipped JavaScript before the sign-in page shows', () => {
    expect(existsSync(join(dist, '.vite', 'manifest.json')), 'no build in apps/web/dist: run `npm run build:web` (npm test does)').toBe(true);
    const size = initialJsForRoute(dist, SIGN_IN_SOURCE);
    console.log(formatInitialSize(size));
    // The entry, the route's chunk and the framework chunks, at least.
    expect(size.files.length).toBeGreaterThanOrEqual(2);
    expect(size.gzipBytes).toBeLessThanOrEqual(SIGN_IN_BUDGET_GZIP_BYTES);
  });
});
