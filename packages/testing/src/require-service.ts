import pg from 'pg';
import { Redis } from 'ioredis';
import { testServiceUrl, withoutPassword, type TestService } from './service-urls.ts';

const CONNECT_TIMEOUT_MS = 2_000;
// Keyed by service and URL: a probe is made once per process, a skip is announced once.
const probes = new Map<string, Promise<boolean>>();
const announcedSkips = new Set<string>();

async function canReachPostgres(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An 'error' event without a listener would crash the process after a failed connect.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function canReachRedis(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Whether a suite that needs `service` can run. Unreachable in CI is an error, because CI
 * must never silently skip; on a developer machine the suite is skipped with one notice.
 */
export async function requireService(service: TestService, suite?: string): Promise<boolean> {
  const url = testServiceUrl(service);
  const key = `${service} ${url}`;
  let probe = probes.get(key);
  if (!probe) {
    probe = service === 'postgres' ? canReachPostgres(url) : canReachRedis(url);
    probes.set(key, probe);
  }
  if (await probe) return true;
  const where = withoutPassword(url);
  if (process.env.CI) {
    throw new Error(`${suite ? `${suite}: ` : ''}${service} is not reachable at ${where} (required in CI)`);
  }
  if (!announcedSkips.has(key)) {
    announcedSkips.add(key);
    console.error(`SKIPPED: ${suite ? `${suite} ` : ''}needs ${service} at ${where} (not reachable)`);
  }
  return false;
}
