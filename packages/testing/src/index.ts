export { requireService } from './require-service.ts';
export { postgresTestUrl, redisTestUrl, withoutPassword, type TestService } from './service-urls.ts';
export { createTestDatabase, type TestDatabase } from './test-database.ts';
export { createTestRedisPrefix, type TestRedisPrefix } from './redis-prefix.ts';
export { tempDataDir, type TempDataDir } from './temp-data-dir.ts';
export { spawnNode, repositoryRoot } from './spawn-node.ts';
export { waitFor, type WaitForOptions } from './wait-for.ts';
export { describeOnBothDialects, type DialectHarness } from './both-dialects.ts';
export { createTestIssuer, type TestIssuer, type TestIssuerOptions, type TestTokenClaims } from './access-tokens.ts';
