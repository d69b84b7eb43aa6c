// Acceptance test of crash safety: 10,000 events, consumer processes SIGKILLed at random
// moments while they hold un-acked entries, and still every effect is applied exactly once.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { Redis } from 'ioredis';
import { migrate, openDatabase, type Database } from '@versaai/storage';
import {
  createTestDatabase, createTestRedisPrefix, requireService, tempDataDir, waitFor,
  type TempDataDir, type TestDatabase, type TestRedisPrefix,
} from '@versaai/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmbeddedTransport, createEvent, createRedisTransport, encodeEvent, eventsMigrations, streamFor, type BusTransport,
} from '../src/index.ts';
import { redisKeys } from '../src/redis/keys.ts';
import { runChaos, topUp, type ChaosReport } from './fixtures/chaos-run.ts';
import { CHAOS_EVENT_TYPE, CHAOS_GROUP, CHAOS_SERVICE, CHAOS_STREAMS, effectsMigration, type ChaosEnv } from './fixtures/chaos-settings.ts';
import { ConsumerFleet } from './fixtures/consumer-fleet.ts';
import { chaosSeed, seededRandom } from './fixtures/seeded-random.ts';

const TOTAL_EVENTS = 10_000;
const APPEND_BATCH = 500;
// The chaos runs at least CHAOS_BUDGET_MS and until TARGET_KILLS kills, at most the hard budget;
// the drain then finishes what is left. A process boot costs seconds of CPU on this shared
// 2-core machine, which bounds how often a ready consumer can be killed; a starved machine
// may fall short of the target, never of the floor.
const TARGET_KILLS = 6;
const MIN_KILLS = 3;
const CHAOS_BUDGET_MS = 20_000;
const CHAOS_HARD_BUDGET_MS = 60_000;
const DRAIN_TIMEOUT_MS = 45_000;
const TEST_TIMEOUT_MS = 160_000;
// CHAOS_DEBUG=1 prints the chaos step by step.
const trace = process.env.CHAOS_DEBUG ? (line: string) => console.log(`[crash-chaos] ${line}`) : undefined;
const consumerScript = fileURLToPath(new URL('./fixtures/chaos-consumer.ts', import.meta.url));

function registrations(count: number) {
  return Array.from({ length: count }, (_, index) =>
    createEvent(CHAOS_EVENT_TYPE, {
      userId: `user-${index}`, email: `user-${index}@chaos.example`, registeredAt: new Date().toISOString(),
    }, { source: 'chaos-test', key: `user-${index}` }));
}

async function appendAll(transport: BusTransport, payloads: string[], pauseMs = 0): Promise<void> {
  for (let start = 0; start < payloads.length; start += APPEND_BATCH) {
    if (start > 0 && pauseMs > 0) await sleep(pauseMs);
    await transport.append(payloads.slice(start, start + APPEND_BATCH).map((payload) => ({ stream: streamFor(CHAOS_EVENT_TYPE), payload })));
  }
}

/** Every applied effect's event id, one per row: a duplicate application is a second row. */
type EffectIds = () => Promise<string[]>;

async function drainAndVerify(opts: {
  fleet: ConsumerFleet; size: number; transport: BusTransport; published: string[]; report: ChaosReport;
  appliedCount: () => Promise<number>; effectIds: EffectIds; label: string; seed: number; startedAt: number;
}): Promise<void> {
  const { fleet, transport, published, report } = opts;
  // No more kills: the survivors and replacements must claim what the dead left and finish.
  topUp(fleet, opts.size);
  let last = { lag: -1, applied: -1 };
  try {
    await waitFor(async () => {
      const [lag, applied] = await Promise.all([transport.lag(CHAOS_GROUP, CHAOS_STREAMS), opts.appliedCount()]);
      last = { lag, applied };
      return lag === 0 && applied >= published.length ? true : undefined;
    }, { timeoutMs: DRAIN_TIMEOUT_MS, intervalMs: 200 });
  } catch (error) {
    throw new Error(`[${opts.label}] seed ${opts.seed}: drain did not finish: lag ${last.lag}, ${last.applied}/${published.length} applied, `
      + `${fleet.ready.length}/${fleet.running.length} consumers ready, unexpected exits: ${fleet.unexpectedExits.join('\n') || 'none'}`, { cause: error });
  }
  await fleet.stopAll();
  console.log(`[crash-chaos ${opts.label}] seed ${opts.seed}: ${report.kills} SIGKILLs (${report.killsHoldingEntries} holding `
    + `${report.entriesLeftPending} un-acked entries in total), ${fleet.spawned} processes, ${report.appliedAtEnd} applied when the `
    + `chaos ended, ${((Date.now() - opts.startedAt) / 1000).toFixed(1)} s`);

  expect(fleet.unexpectedExits).toEqual([]);
  expect(report.kills).toBeGreaterThanOrEqual(MIN_KILLS);
  expect(report.killsHoldingEntries).toBeGreaterThanOrEqual(1);
  expect(await transport.listDeadLetters(CHAOS_GROUP)).toEqual([]);
  const ids = await opts.effectIds();
  const applied = new Set(ids);
  const publishedIds = new Set(published);
  expect(published.filter((id) => !applied.has(id)), 'lost events').toEqual([]);
  expect([...applied].filter((id) => !publishedIds.has(id)), 'effects of unknown events').toEqual([]);
  expect(applied.size).toBe(published.length);
  // No unique constraint on effects: an event applied twice would be a second row.
  expect(ids.length).toBe(published.length);
}

const postgresUp = await requireService('postgres', 'crash chaos (redis + postgresql)');
const redisUp = await requireService('redis', 'crash chaos (redis + postgresql)');

describe.skipIf(!postgresUp || !redisUp)('crash chaos: Redis Streams + PostgreSQL', () => {
  let data: TempDataDir;
  let pg: TestDatabase;
  let prefix: TestRedisPrefix;
  let database: Database;
  let transport: BusTransport;
  let redis: Redis;
  let fleet: ConsumerFleet | undefined;

  beforeAll(async () => {
    data = await tempDataDir();
    pg = await createTestDatabase();
    prefix = createTestRedisPrefix();
    database = await openDatabase({ service: CHAOS_SERVICE, databaseUrl: pg.url, dataDir: data.dir, poolMax: 2 });
    // Migrated once here so the test can count effects from the first moment; the children migrate again (no-op).
    await migrate(database, [...eventsMigrations, effectsMigration]);
    transport = createRedisTransport({ url: prefix.url, prefix: prefix.prefix });
    redis = new Redis(prefix.url);
  });

  afterAll(async () => {
    await fleet?.killAll();
    await transport?.close();
    redis?.disconnect();
    await database?.close();
    await pg?.drop();
    await prefix?.cleanup();
    await data?.remove();
  });

  it('applies each of 10,000 events exactly once while 3 consumers are SIGKILLed at random', async () => {
    const startedAt = Date.now();
    const seed = chaosSeed();
    const keys = redisKeys(prefix.prefix);
    const events = registrations(TOTAL_EVENTS);
    const published = events.map((event) => event.id);
    const payloads = events.map(encodeEvent);
    const env: ChaosEnv & Record<string, string> = {
      CHAOS_BUS: 'redis', CHAOS_DATA_DIR: data.dir, CHAOS_DATABASE_URL: pg.url, CHAOS_REDIS_URL: prefix.url, CHAOS_REDIS_PREFIX: prefix.prefix,
    };
    fleet = new ConsumerFleet(consumerScript, env);

    // A few thousand wait when the consumers start; the rest arrives, paced, while they are being killed.
    const waiting = 2_000;
    await appendAll(transport, payloads.slice(0, waiting));
    let arriving: Promise<void> = Promise.resolve();
    const startArrivals = () => {
      arriving = appendAll(transport, payloads.slice(waiting), 600);
      arriving.catch(() => {}); // awaited after the chaos; this only keeps an early failure from being "unhandled"
    };
    const appliedCount = async () => {
      const row = await database.db.selectFrom('effects').select((eb) => eb.fn.count<number>('event_id').distinct().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const pendingOf = async (consumer: string) => {
      const lists = await Promise.all(CHAOS_STREAMS.map((stream) =>
        redis.call('XPENDING', keys.stream(stream), CHAOS_GROUP, '-', '+', TOTAL_EVENTS, consumer) as Promise<unknown[]>));
      return lists.reduce((sum, list) => sum + list.length, 0);
    };

    const report = await runChaos({
      fleet, size: 3, survivors: 1, random: seededRandom(seed), appliedCount, target: TOTAL_EVENTS, pendingOf,
      budgetMs: CHAOS_BUDGET_MS, minKills: TARGET_KILLS, hardBudgetMs: CHAOS_HARD_BUDGET_MS, onChaosStart: startArrivals, trace,
    });
    await arriving;
    const effectIds = async () => (await database.db.selectFrom('effects').select('event_id').execute()).map((row) => String(row.event_id));
    await drainAndVerify({ fleet, size: 3, transport, published, report, appliedCount, effectIds, label: 'redis+postgres', seed, startedAt });
  }, TEST_TIMEOUT_MS);
});

describe('crash chaos: embedded bus + SQLite', () => {
  let data: TempDataDir;
  let busFile: string;
  let effectsFile: string;
  let transport: BusTransport;
  let fleet: ConsumerFleet | undefined;
  let busReader: BetterSqlite3.Database | undefined;
  let effectsReader: BetterSqlite3.Database | undefined;

  beforeAll(async () => {
    data = await tempDataDir();
    busFile = join(data.dir, 'bus.db');
    effectsFile = join(data.dir, `${CHAOS_SERVICE}.db`);
    const database = await openDatabase({ service: CHAOS_SERVICE, dataDir: data.dir });
    await migrate(database, [...eventsMigrations, effectsMigration]);
    await database.close();
    transport = createEmbeddedTransport({ file: busFile });
  });

  afterAll(async () => {
    await fleet?.killAll();
    busReader?.close();
    effectsReader?.close();
    await transport?.close();
    await data?.remove();
  });

  it('applies each of 10,000 events exactly once while its single consumer process is SIGKILLed and restarted', async () => {
    const startedAt = Date.now();
    const seed = chaosSeed();
    const events = registrations(TOTAL_EVENTS);
    const published = events.map((event) => event.id);
    // The embedded bus wakes readers of its own process only, so everything is written before
    // the consumer process starts; this connection only measures lag afterwards.
    await appendAll(transport, events.map(encodeEvent));
    const env: ChaosEnv & Record<string, string> = { CHAOS_BUS: 'embedded', CHAOS_DATA_DIR: data.dir, CHAOS_BUS_FILE: busFile };
    fleet = new ConsumerFleet(consumerScript, env);

    busReader = new BetterSqlite3(busFile, { readonly: true, fileMustExist: true });
    effectsReader = new BetterSqlite3(effectsFile, { readonly: true, fileMustExist: true });
    const countApplied = effectsReader.prepare<[], { n: number }>('SELECT COUNT(DISTINCT event_id) AS n FROM effects');
    // The port has no per-consumer pending count; the embedded bus keeps it in bus_pending.
    const countPending = busReader.prepare<[string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM bus_pending WHERE group_name = ? AND consumer = ?');
    const appliedCount = async () => countApplied.get()!.n;
    const pendingOf = async (consumer: string) => countPending.get(CHAOS_GROUP, consumer)!.n;

    const report = await runChaos({
      fleet, size: 1, survivors: 0, random: seededRandom(seed), appliedCount, target: TOTAL_EVENTS, pendingOf,
      budgetMs: CHAOS_BUDGET_MS, minKills: TARGET_KILLS, hardBudgetMs: CHAOS_HARD_BUDGET_MS, trace,
    });
    const effectIds = async () => {
      // Read after the last child exited, from a fresh read-only connection.
      const reader = new BetterSqlite3(effectsFile, { readonly: true, fileMustExist: true });
      try {
        return reader.prepare<[], { event_id: string }>('SELECT event_id FROM effects').all().map((row) => row.event_id);
      } finally {
        reader.close();
      }
    };
    await drainAndVerify({ fleet, size: 1, transport, published, report, appliedCount, effectIds, label: 'embedded+sqlite', seed, startedAt });
  }, TEST_TIMEOUT_MS);
});
