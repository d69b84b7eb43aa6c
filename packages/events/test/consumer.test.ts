import { randomBytes } from 'node:crypto';
import { createLogger, createMetrics } from '@versaai/kernel';
import { migrate } from '@versaai/storage';
import { waitFor } from '@versaai/testing';
import { afterEach, expect, it } from 'vitest';
import { createConsumer, type Consumer, type ConsumerOptions } from '../src/consumer/consumer.ts';
import type { EventHandler } from '../src/consumer/handler.ts';
import { createEvent } from '../src/create-event.ts';
import { decodeEvent } from '../src/decode-event.ts';
import { encodeEvent } from '../src/envelope.ts';
import { streamFor, type BusTransport } from '../src/transport.ts';
import { ledgerMigrations, ledgerRows, writeLedger } from './support/ledger.ts';
import { describeOnBothTopologies, type TopologyHarness } from './support/topologies.ts';

function updated(userId: string, key: string | null = userId) {
  return createEvent('user.updated', { userId, changes: { name: userId } }, { source: 'users', key });
}

const recordToLedger: EventHandler = async (event, { trx }) => writeLedger(trx, event.id, event.type);

describeOnBothTopologies('event consumer', (harness: TopologyHarness) => {
  const running: Consumer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
  });

  /** A fresh bus, service database and group for one test. */
  async function setup() {
    const suffix = randomBytes(4).toString('hex');
    const transport = harness.openTransport(`bus_${suffix}`);
    const database = await harness.openDatabase(`svc_${suffix}`);
    await migrate(database, ledgerMigrations);
    const metrics = createMetrics();
    const group = `group_${suffix}`;
    const start = (overrides: Partial<ConsumerOptions> & Pick<ConsumerOptions, 'handlers'>) => {
      const consumer = createConsumer({ transport, database, group, logger: harness.logger, metrics, blockMs: 200, ...overrides });
      running.push(consumer);
      consumer.start();
      return consumer;
    };
    return { transport, database, metrics, group, start };
  }

  async function append(transport: BusTransport, payloads: Array<{ type: string; payload: string }>) {
    await transport.append(payloads.map(({ type, payload }) => ({ stream: streamFor(type), payload })));
  }

  async function counter(metrics: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string>) {
    const metric = (await metrics.registry.getMetricsAsJSON()).find((entry) => entry.name === name);
    const value = metric?.values.find((sample) => Object.entries(labels).every(([label, expected]) => sample.labels[label] === expected));
    return Number(value?.value ?? 0);
  }

  it('handles new events and acknowledges them', async () => {
    const { transport, database, metrics, group, start } = await setup();
    const consumer = start({ handlers: { 'user.updated': recordToLedger } });
    await waitFor(async () => (await consumer.readiness().then(() => true, () => undefined)));
    const events = [updated('u1'), updated('u2'), updated('u3')];
    await append(transport, events.map((event) => ({ type: event.type, payload: encodeEvent(event) })));
    await waitFor(async () => ((await ledgerRows(database)).length === 3 ? true : undefined));
    await waitFor(async () => ((await transport.lag(group, [streamFor('user.updated')])) === 0 ? true : undefined));
    expect(await counter(metrics, 'versaai_bus_events_consumed_total', { group, type: 'user.updated' })).toBe(3);
  });

  it('applies an event delivered twice only once (inbox)', async () => {
    const { transport, database, group, start } = await setup();
    start({ handlers: { 'user.updated': recordToLedger } });
    const event = updated('dup');
    const marker = updated('after-dup');
    await append(transport, [event, event, marker].map((item) => ({ type: item.type, payload: encodeEvent(item) })));
    await waitFor(async () => ((await ledgerRows(database, marker.id)).length === 1 ? true : undefined));
    await waitFor(async () => ((await transport.lag(group, [streamFor('user.updated')])) === 0 ? true : undefined));
    expect(await ledgerRows(database, event.id)).toHaveLength(1);
  });

  it('retries a failing handler with backoff, dead-letters it with its error, and handles it once after replay', async () => {
    const { transport, database, metrics, group, start } = await setup();
    let attempts = 0;
    let fixed = false;
    const flaky: EventHandler = async (event, { trx }) => {
      attempts += 1;
      if (!fixed) throw new Error('profile store unavailable');
      await writeLedger(trx, event.id, event.type, 'after fix');
    };
    start({ handlers: { 'user.updated': flaky }, maxDeliveries: 3, backoff: { baseMs: 20, maxMs: 100 }, reclaimIdleMs: 5_000 });
    const event = updated('poison');
    await append(transport, [{ type: event.type, payload: encodeEvent(event) }]);

    const [deadLetter] = await waitFor(async () => {
      const letters = await transport.listDeadLetters(group);
      return letters.length > 0 ? letters : undefined;
    });
    expect(deadLetter).toMatchObject({ group, stream: streamFor('user.updated'), error: 'profile store unavailable', deliveries: 3 });
    expect(decodeEvent(deadLetter!.payload).id).toBe(event.id);
    expect(attempts).toBe(3);
    expect(await counter(metrics, 'versaai_bus_events_failed_total', { group, type: 'user.updated' })).toBe(3);
    expect(await counter(metrics, 'versaai_bus_events_dead_lettered_total', { group, type: 'user.updated' })).toBe(1);
    expect(await ledgerRows(database)).toEqual([]);

    fixed = true;
    expect(await transport.replayDeadLetter(deadLetter!.id)).not.toBeNull();
    await waitFor(async () => ((await ledgerRows(database, event.id)).length === 1 ? true : undefined));
    expect(await transport.listDeadLetters(group)).toEqual([]);
    await waitFor(async () => ((await transport.lag(group, [streamFor('user.updated'), `replay:${group}`])) === 0 ? true : undefined));
    expect(await ledgerRows(database, event.id)).toEqual([{ event_id: event.id, type: 'user.updated', note: 'after fix' }]);
  });

  it('isolates a failing handler inside a shared transaction: the batch commits without it, each handler runs once per delivery', async () => {
    const { transport, database, group, start } = await setup();
    const calls = new Map<string, number>();
    const events = Array.from({ length: 10 }, (_, index) => updated(`batch-${index}`, null));
    const poison = events[4]!;
    const failsOnce: EventHandler = async (event, ctx) => {
      calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
      await recordToLedger(event, ctx);
      // The effect was written before the throw: the rollback must remove it.
      if (event.id === poison.id && calls.get(event.id) === 1) throw new Error('transient');
    };
    // reclaimIdleMs long and backoff short: the poison comes back only through its own retry.
    start({ handlers: { 'user.updated': failsOnce }, transactionBatchSize: 64, batchSize: 32, backoff: { baseMs: 20, maxMs: 50 }, reclaimIdleMs: 10_000 });
    await append(transport, events.map((event) => ({ type: event.type, payload: encodeEvent(event) })));
    await waitFor(async () => ((await ledgerRows(database)).length === 10 ? true : undefined));
    await waitFor(async () => ((await transport.lag(group, [streamFor('user.updated')])) === 0 ? true : undefined));
    for (const event of events) expect(await ledgerRows(database, event.id)).toHaveLength(1);
    expect(calls.get(poison.id)).toBe(2);
    // Events before the poison ran in the rolled-back transaction and again in the next one.
    for (const event of events.slice(5)) expect(calls.get(event.id)).toBe(1);
  });

  it('tells handlers how their transaction ended: committed (effects visible) once per event, rolled back for each failed run', async () => {
    const { transport, database, start } = await setup();
    const endings = new Map<string, boolean[]>();
    const visible: Array<Promise<boolean>> = [];
    const events = Array.from({ length: 6 }, (_, index) => updated(`after-${index}`, null));
    const poison = events[2]!;
    let poisoned = false;
    const handler: EventHandler = async (event, ctx) => {
      ctx.afterTransaction((committed) => {
        endings.set(event.id, [...(endings.get(event.id) ?? []), committed]);
        if (committed) visible.push(ledgerRows(database, event.id).then((rows) => rows.length === 1));
      });
      await recordToLedger(event, ctx);
      if (event.id === poison.id && !poisoned) {
        poisoned = true;
        throw new Error('transient');
      }
    };
    start({ handlers: { 'user.updated': handler }, transactionBatchSize: 64, backoff: { baseMs: 20, maxMs: 50 }, reclaimIdleMs: 10_000 });
    await append(transport, events.map((event) => ({ type: event.type, payload: encodeEvent(event) })));
    await waitFor(async () => ([...endings.values()].filter((ends) => ends.at(-1) === true).length === events.length ? true : undefined));
    expect(endings.get(poison.id)).toEqual([false, true]);
    for (const ends of endings.values()) expect(ends.filter(Boolean)).toEqual([true]);
    expect(await Promise.all(visible)).toEqual(events.map(() => true));
  });

  it('dead-letters malformed and unknown-version payloads with the reason and keeps handling valid events', async () => {
    const { transport, database, group, start } = await setup();
    start({ handlers: { 'user.updated': recordToLedger } });
    const future = { ...updated('future'), version: 9 };
    const valid = updated('valid');
    await append(transport, [
      { type: 'user.updated', payload: '{"this is": not json' },
      { type: 'user.updated', payload: JSON.stringify(future) },
      { type: 'user.updated', payload: encodeEvent(valid) },
    ]);
    await waitFor(async () => ((await ledgerRows(database, valid.id)).length === 1 ? true : undefined));
    const letters = await waitFor(async () => {
      const found = await transport.listDeadLetters(group);
      return found.length === 2 ? found : undefined;
    });
    const reasons = letters.map((letter) => letter.error).sort();
    expect(reasons[0]).toMatch(/^MALFORMED_EVENT: payload is not JSON/);
    expect(reasons[1]).toBe('UNKNOWN_EVENT_VERSION: user.updated version 9 is not known (known: 1)');
    expect(await ledgerRows(database)).toHaveLength(1);
  });

  it('acknowledges events of types it has no handler for (replayed into its replay stream)', async () => {
    const { transport, database, group, start } = await setup();
    start({ handlers: { 'user.updated': recordToLedger } });
    const other = createEvent('message.sent', { conversationId: 'c', messageId: 'm', responseId: 'r', userId: 'u', content: 'hola', history: [], parameters: {}, generateTitle: false }, { source: 'chat' });
    const marker = updated('marker');
    await transport.append([
      { stream: `replay:${group}`, payload: encodeEvent(other) },
      { stream: streamFor('user.updated'), payload: encodeEvent(marker) },
    ]);
    await waitFor(async () => ((await ledgerRows(database, marker.id)).length === 1 ? true : undefined));
    await waitFor(async () => ((await transport.lag(group, [streamFor('user.updated'), `replay:${group}`])) === 0 ? true : undefined));
    expect(await ledgerRows(database, other.id)).toEqual([]);
  });

  it('publishes follow-up events in the handler transaction with causation and correlation, and wakes the relay', async () => {
    const { transport, database, start } = await setup();
    let outboxWrites = 0;
    const reply: EventHandler = async (event, { trx, publish }) => {
      await writeLedger(trx, event.id, event.type);
      await publish([createEvent('notification.sent', { notificationId: `n-${event.id}`, userId: 'u', channel: 'in_app', status: 'sent' }, { source: 'notifications' })]);
    };
    start({ handlers: { 'user.updated': reply }, onOutboxWrite: () => (outboxWrites += 1) });
    const incoming = { ...updated('caused'), correlationId: 'corr-from-request' };
    await append(transport, [{ type: incoming.type, payload: encodeEvent(incoming) }]);
    const row = await waitFor(() => database.db.selectFrom('versaai_outbox').select(['type', 'payload']).executeTakeFirst());
    const followUp = decodeEvent(row.payload);
    expect(followUp).toMatchObject({ type: 'notification.sent', causationId: incoming.id, correlationId: 'corr-from-request' });
    await waitFor(async () => (outboxWrites === 1 ? true : undefined));
  });

  it('gives handlers a logger bound to the event (eventId, type, correlationId)', async () => {
    const { transport, start } = await setup();
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ service: 'consumer-test', level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const logs: EventHandler = async (_event, ctx) => {
      ctx.logger.info('handled');
      ctx.logger.info('same logger');
    };
    start({ handlers: { 'user.updated': logs }, logger });
    const incoming = { ...updated('logged'), correlationId: 'corr-logged' };
    await append(transport, [{ type: incoming.type, payload: encodeEvent(incoming) }]);
    const handled = await waitFor(() => lines.filter((line) => line.msg === 'handled' || line.msg === 'same logger').length === 2 ? lines : undefined);
    for (const line of handled.filter((entry) => entry.msg === 'handled' || entry.msg === 'same logger')) {
      expect(line).toMatchObject({ eventId: incoming.id, type: 'user.updated', correlationId: 'corr-logged' });
    }
  });

  it('stop() ends a blocking read at once instead of waiting out blockMs', { timeout: 10_000 }, async () => {
    const { start } = await setup();
    // blockMs far beyond the test's timeout: stop() must interrupt the read.
    const consumer = start({ handlers: { 'user.updated': recordToLedger }, blockMs: 60_000 });
    await waitFor(async () => (await consumer.readiness().then(() => true, () => undefined)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await consumer.stop();
    await expect(consumer.readiness()).rejects.toThrow(/not running/);
  });

  it('reclaims the entries of a consumer that died without acknowledging them', async () => {
    const { transport, database, group, start } = await setup();
    const streams = [streamFor('user.updated'), `replay:${group}`];
    await transport.ensureGroup(group, streams);
    const orphan = updated('orphan');
    await append(transport, [{ type: orphan.type, payload: encodeEvent(orphan) }]);
    // A consumer takes the entry and dies before handling it.
    const taken = await transport.read(group, 'dead-consumer', streams, { count: 10, blockMs: 1_000 });
    expect(taken.map((entry) => entry.payload)).toEqual([encodeEvent(orphan)]);

    start({ handlers: { 'user.updated': recordToLedger }, reclaimIdleMs: 300, backoff: { baseMs: 10, maxMs: 50 } });
    await waitFor(async () => ((await ledgerRows(database, orphan.id)).length === 1 ? true : undefined));
    await waitFor(async () => ((await transport.lag(group, streams)) === 0 ? true : undefined));
  });

  it('stop() waits for the handler in flight and acknowledges its event', async () => {
    const { transport, database, group, start } = await setup();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const slow: EventHandler = async (event, { trx }) => {
      started = true;
      await released;
      await writeLedger(trx, event.id, event.type);
    };
    const consumer = start({ handlers: { 'user.updated': slow } });
    const event = updated('slow');
    await append(transport, [{ type: event.type, payload: encodeEvent(event) }]);
    await waitFor(async () => (started ? true : undefined));

    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await ledgerRows(database, event.id)).toHaveLength(1);
    expect(await transport.lag(group, [streamFor('user.updated')])).toBe(0);
    await expect(consumer.readiness()).rejects.toThrow(/not running/);
  });

  it('is not ready before it starts', async () => {
    const { transport, database, group } = await setup();
    const consumer = createConsumer({ transport, database, group, logger: harness.logger, handlers: {} });
    await expect(consumer.readiness()).rejects.toThrow(/not running \(new\)/);
    expect(consumer.name).toMatch(/^.+-\d+-[0-9a-f]{6}$/);
  });
});
