import { randomBytes } from 'node:crypto';
import { createMetrics } from '@versaai/kernel';
import { migrate, type Database } from '@versaai/storage';
import { waitFor } from '@versaai/testing';
import { afterEach, expect, it } from 'vitest';
import { createConsumer } from '../src/consumer/consumer.ts';
import { createEvent } from '../src/create-event.ts';
import { decodeEvent } from '../src/decode-event.ts';
import { createOutboxRelay, type OutboxRelay } from '../src/outbox-relay.ts';
import { enqueueEvents, type OutboxEntry } from '../src/outbox.ts';
import { streamFor, type BusTransport } from '../src/transport.ts';
import { ledgerMigrations, ledgerRows, outboxSize, writeLedger } from './support/ledger.ts';
import { describeOnBothTopologies } from './support/topologies.ts';

function registered(userId: string) {
  return createEvent('user.registered', { userId, email: `${userId}@example.com`, registeredAt: new Date().toISOString() }, { source: 'auth', key: userId });
}

/** The real transport, with its append calls recorded (and optionally failing first) to observe the relay. */
function observed(transport: BusTransport, failFirst = 0) {
  const appends: number[] = [];
  let failuresLeft = failFirst;
  const wrapped = new Proxy(transport, {
    get(target, property, receiver) {
      if (property !== 'append') return Reflect.get(target, property, receiver);
      return async (items: Array<{ stream: string; payload: string }>) => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('bus unavailable');
        }
        appends.push(items.length);
        return target.append(items);
      };
    },
  });
  return { transport: wrapped, appends };
}

describeOnBothTopologies('outbox relay', (harness) => {
  const relays: OutboxRelay[] = [];
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  });

  async function setup() {
    const suffix = randomBytes(4).toString('hex');
    const transport = harness.openTransport(`bus_${suffix}`);
    const database = await harness.openDatabase(`svc_${suffix}`);
    await migrate(database, ledgerMigrations);
    return { transport, database, group: `group_${suffix}` };
  }

  async function commit(database: Database, events: ReturnType<typeof registered>[]) {
    await database.db.transaction().execute((trx) => enqueueEvents(trx, events));
  }

  it('publishes a batch oldest first in one append, then deletes the rows and counts them', async () => {
    const { transport, database, group } = await setup();
    await transport.ensureGroup(group, [streamFor('user.registered')]);
    const events = Array.from({ length: 5 }, (_, index) => registered(`u${index}`));
    for (const event of events) await commit(database, [event]);
    const metrics = createMetrics();
    const bus = observed(transport);
    const relay = createOutboxRelay({ database, transport: bus.transport, logger: harness.logger, metrics, batchSize: 50 });

    expect(await relay.relayOnce()).toBe(5);
    expect(bus.appends).toEqual([5]);
    expect(await outboxSize(database)).toBe(0);
    expect(await relay.relayOnce()).toBe(0);

    const read = await transport.read(group, 'reader', [streamFor('user.registered')], { count: 10, blockMs: 1_000 });
    expect(read.map((entry) => decodeEvent(entry.payload).id)).toEqual(events.map((event) => event.id));
    const published = (await metrics.registry.getSingleMetric('versaai_bus_events_published_total')!.get()).values;
    expect(published).toEqual([expect.objectContaining({ labels: { type: 'user.registered' }, value: 5 })]);
  });

  it('relays in batches of batchSize', async () => {
    const { transport, database } = await setup();
    await commit(database, Array.from({ length: 7 }, (_, index) => registered(`b${index}`)));
    const bus = observed(transport);
    const relay = createOutboxRelay({ database, transport: bus.transport, logger: harness.logger, batchSize: 3 });
    expect([await relay.relayOnce(), await relay.relayOnce(), await relay.relayOnce(), await relay.relayOnce()]).toEqual([3, 3, 1, 0]);
    expect(bus.appends).toEqual([3, 3, 1]);
  });

  it('once started, relays rows left from before and rows announced by notify(), to a consumer that applies them', async () => {
    const { transport, database, group } = await setup();
    const leftover = registered('left-by-a-crash');
    await commit(database, [leftover]);
    const consumer = createConsumer({
      transport,
      database,
      group,
      logger: harness.logger,
      blockMs: 200,
      handlers: { 'user.registered': async (event, { trx }) => writeLedger(trx, event.id, event.type) },
    });
    consumer.start();
    // A long sweep interval: only the start-up pass and notify() can explain a prompt delivery.
    const relay = createOutboxRelay({ database, transport, logger: harness.logger, sweepIntervalMs: 3_600_000 });
    relays.push(relay);
    relay.start();
    try {
      await waitFor(async () => ((await ledgerRows(database, leftover.id)).length === 1 ? true : undefined));
      const fresh = registered('fresh');
      await commit(database, [fresh]);
      relay.notify();
      await waitFor(async () => ((await ledgerRows(database, fresh.id)).length === 1 ? true : undefined));
      // The consumer may apply the event before the relay has deleted its row.
      await waitFor(async () => ((await outboxSize(database)) === 0 ? true : undefined));
    } finally {
      await consumer.stop();
    }
  });

  async function committed(database: Database, events: ReturnType<typeof registered>[]): Promise<OutboxEntry[]> {
    return database.db.transaction().execute((trx) => enqueueEvents(trx, events));
  }

  async function publishedIds(transport: BusTransport, group: string): Promise<string[]> {
    const entries = await transport.read(group, 'reader', [streamFor('user.registered')], { count: 100, blockMs: 200 });
    return entries.map((entry) => decodeEvent(entry.payload).id);
  }

  it('publishes committed entries at once, without reading them back, and deletes their rows', async () => {
    const { transport, database, group } = await setup();
    await transport.ensureGroup(group, [streamFor('user.registered')]);
    const bus = observed(transport);
    // Counts the relay's reads of the outbox (a transaction on PostgreSQL, a select on SQLite).
    let reads = 0;
    const db = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property === 'transaction' || property === 'selectFrom') reads += 1;
        const value: unknown = Reflect.get(target, property, receiver);
        // Kysely keeps its state in private fields, which a proxy receiver cannot reach.
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const watched = new Proxy(database, { get: (target, property, receiver) => (property === 'db' ? db : Reflect.get(target, property, receiver)) });
    const relay = createOutboxRelay({ database: watched, transport: bus.transport, logger: harness.logger, sweepIntervalMs: 3_600_000 });
    relays.push(relay);
    relay.start();
    // The start-up pass (one read) found nothing: from now on committed entries go straight out.
    await waitFor(async () => (reads === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const events = [registered('direct-1'), registered('direct-2')];
    relay.publishCommitted(await committed(database, events));
    await waitFor(async () => ((await outboxSize(database)) === 0 ? true : undefined));
    expect(reads).toBe(1);
    expect(bus.appends).toEqual([2]);
    expect(await publishedIds(transport, group)).toEqual(events.map((event) => event.id));
  });

  it('does not publish committed entries again when a batch of the loop published them first', async () => {
    const { transport, database, group } = await setup();
    await transport.ensureGroup(group, [streamFor('user.registered')]);
    const bus = observed(transport);
    const relay = createOutboxRelay({ database, transport: bus.transport, logger: harness.logger, sweepIntervalMs: 3_600_000 });
    relays.push(relay);
    relay.start();
    await waitFor(async () => ((await relay.relayOnce()) === 0 ? true : undefined));
    const event = registered('raced');
    const entries = await committed(database, [event]);
    // A sweep (or a notify of another commit) reads the row before this commit's own publish runs.
    expect(await relay.relayOnce()).toBe(1);
    relay.publishCommitted(entries);
    expect(await relay.relayOnce()).toBe(0);
    expect(bus.appends).toEqual([1]);
    expect(await publishedIds(transport, group)).toEqual([event.id]);
  });

  it('leaves committed entries to the loop while older rows wait, so they never overtake them', async () => {
    const { transport, database, group } = await setup();
    await transport.ensureGroup(group, [streamFor('user.registered')]);
    // The first append fails: the start-up pass cannot publish the leftover row.
    const bus = observed(transport, 1);
    const relay = createOutboxRelay({ database, transport: bus.transport, logger: harness.logger, retryBackoff: { baseMs: 50, maxMs: 50 } });
    relays.push(relay);
    const leftover = registered('older');
    await commit(database, [leftover]);
    relay.start();
    const fresh = registered('newer');
    relay.publishCommitted(await committed(database, [fresh]));
    await waitFor(async () => ((await outboxSize(database)) === 0 ? true : undefined));
    expect(await publishedIds(transport, group)).toEqual([leftover.id, fresh.id]);
  });

  it('after a failed publish of committed entries, relays them (and later ones) in order through the loop', async () => {
    const { transport, database, group } = await setup();
    await transport.ensureGroup(group, [streamFor('user.registered')]);
    let failNext = false;
    const bus = new Proxy(transport, {
      get(target, property, receiver) {
        if (property !== 'append') return Reflect.get(target, property, receiver);
        return async (items: Array<{ stream: string; payload: string }>) => {
          if (failNext) {
            failNext = false;
            throw new Error('bus unavailable');
          }
          return target.append(items);
        };
      },
    });
    const relay = createOutboxRelay({ database, transport: bus, logger: harness.logger, retryBackoff: { baseMs: 50, maxMs: 50 } });
    relays.push(relay);
    relay.start();
    await waitFor(async () => ((await relay.relayOnce()) === 0 ? true : undefined));
    failNext = true;
    const first = registered('first');
    const second = registered('second');
    relay.publishCommitted(await committed(database, [first]));
    relay.publishCommitted(await committed(database, [second]));
    await waitFor(async () => ((await outboxSize(database)) === 0 ? true : undefined));
    expect(await publishedIds(transport, group)).toEqual([first.id, second.id]);
  });

  it('keeps retrying while the bus fails, then publishes', async () => {
    const { transport, database } = await setup();
    await commit(database, [registered('patient')]);
    const bus = observed(transport, 2);
    const relay = createOutboxRelay({ database, transport: bus.transport, logger: harness.logger, retryBackoff: { baseMs: 10, maxMs: 40 } });
    relays.push(relay);
    relay.start();
    await waitFor(async () => ((await outboxSize(database)) === 0 ? true : undefined));
    expect(bus.appends).toEqual([1]);
  });

  if (harness.name === 'distributed') {
    it('lets relays of several replicas share the outbox without publishing a row twice (SKIP LOCKED)', async () => {
      const { transport, database, group } = await setup();
      const stream = streamFor('user.registered');
      await transport.ensureGroup(group, [stream]);
      const events = Array.from({ length: 120 }, (_, index) => registered(`r${index}`));
      await commit(database, events);
      const replicas = [0, 1, 2].map(() => createOutboxRelay({ database, transport, logger: harness.logger, batchSize: 10 }));
      await Promise.all(
        replicas.map(async (relay) => {
          while ((await relay.relayOnce()) > 0);
        }),
      );
      const entries = await transport.read(group, 'reader', [stream], { count: 500, blockMs: 1_000 });
      const ids = entries.map((entry) => decodeEvent(entry.payload).id);
      expect(ids).toHaveLength(120);
      expect(new Set(ids).size).toBe(120);
    });
  }
});
