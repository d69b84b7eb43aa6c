import { join } from 'node:path';
import { createLogger, type Logger } from '@versaai/kernel';
import { openDatabase, type Database } from '@versaai/storage';
import { createTestDatabase, createTestRedisPrefix, requireService, tempDataDir, type TempDataDir, type TestDatabase, type TestRedisPrefix } from '@versaai/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import type { BusTransport } from '../../src/transport.ts';
import { createEmbeddedTransport, createRedisTransport } from '../../src/transports.ts';

export type TopologyName = 'all-in-one' | 'distributed';

/** Where a suite runs: embedded bus + SQLite, or Redis Streams + PostgreSQL, as the two deployments do. */
export interface TopologyHarness {
  readonly name: TopologyName;
  readonly logger: Logger;
  /** Settings a child process needs to open the same bus (see transportFrom) and databases. */
  env(bus?: string): Record<string, string>;
  openDatabase(service: string): Promise<Database>;
  /** Each bus name is a separate bus (own file / key prefix), so tests do not see each other's streams. */
  openTransport(bus?: string): BusTransport;
}

export interface TopologySettings {
  dataDir: string;
  databaseUrl: string | undefined;
  busFile: string | undefined;
  redisUrl: string | undefined;
  redisPrefix: string | undefined;
}

/** Opens the transport described by settings (used by tests and by their child processes). */
export function transportFrom(settings: Pick<TopologySettings, 'busFile' | 'redisUrl' | 'redisPrefix'>): BusTransport {
  if (settings.redisUrl) return createRedisTransport({ url: settings.redisUrl, prefix: settings.redisPrefix });
  if (!settings.busFile) throw new Error('no bus configured');
  return createEmbeddedTransport({ file: settings.busFile });
}

function harnessFor(name: TopologyName): TopologyHarness {
  let data: TempDataDir | undefined;
  let pgDatabase: TestDatabase | undefined;
  let redis: TestRedisPrefix | undefined;
  const closers: Array<() => Promise<void>> = [];
  const logger = createLogger({ service: 'events-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

  beforeAll(async () => {
    data = await tempDataDir();
    if (name === 'distributed') {
      pgDatabase = await createTestDatabase();
      redis = createTestRedisPrefix();
    }
  });
  afterAll(async () => {
    // Transports and databases close in reverse order of opening, then the fixtures go.
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await redis?.cleanup();
    await pgDatabase?.drop();
    await data?.remove();
  });

  function settings(bus = 'bus'): TopologySettings {
    if (!data) throw new Error('TopologyHarness is usable inside hooks and tests only');
    return {
      dataDir: data.dir,
      databaseUrl: pgDatabase?.url,
      busFile: name === 'all-in-one' ? join(data.dir, `${bus}.db`) : undefined,
      redisUrl: redis?.url,
      redisPrefix: redis ? `${redis.prefix}${bus}:` : undefined,
    };
  }

  return {
    name,
    logger,
    env(bus) {
      const current = settings(bus);
      return Object.fromEntries(Object.entries(current).filter((entry): entry is [string, string] => entry[1] !== undefined));
    },
    async openDatabase(service) {
      const { dataDir, databaseUrl } = settings();
      const database = await openDatabase({ service, dataDir, databaseUrl });
      closers.push(() => database.close());
      return database;
    },
    openTransport(bus) {
      const transport = transportFrom(settings(bus));
      closers.push(() => transport.close());
      return transport;
    },
  };
}

/** Runs the suite on the all-in-one topology and on the distributed one (skipped only where requireService allows). */
export function describeOnBothTopologies(name: string, body: (harness: TopologyHarness) => void): void {
  describe(name, async () => {
    describe('all-in-one (embedded bus, SQLite)', () => body(harnessFor('all-in-one')));
    const ready = (await requireService('redis', name)) && (await requireService('postgres', name));
    describe.skipIf(!ready)('distributed (Redis Streams, PostgreSQL)', () => body(harnessFor('distributed')));
  });
}
