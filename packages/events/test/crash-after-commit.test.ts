import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { migrate } from '@versaai/storage';
import { spawnNode, waitFor } from '@versaai/testing';
import { expect, it } from 'vitest';
import { createConsumer } from '../src/consumer/consumer.ts';
import { createOutboxRelay } from '../src/outbox-relay.ts';
import { ledgerMigrations, ledgerRows, outboxSize, writeLedger } from './support/ledger.ts';
import { describeOnBothTopologies } from './support/topologies.ts';

const producerScript = fileURLToPath(new URL('./support/crash-producer.ts', import.meta.url));

describeOnBothTopologies('process killed after the commit and before the publish', (harness) => {
  it('loses nothing: a fresh relay publishes the event and the consumer applies it exactly once', async () => {
    const child = spawnNode(producerScript, [], { ...harness.env('crash_bus'), SERVICE: 'crash_producer', USER_ID: 'u-crash', HANG_AFTER_COMMIT: '1' });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const exited = once(child, 'exit');
    let eventId: string;
    try {
      eventId = await waitFor(() => /committed (\S+)\n/.exec(output)?.[1], { timeoutMs: 30_000 });
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`producer did not commit: ${errors}`, { cause: error });
    }
    child.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');

    const producerDb = await harness.openDatabase('crash_producer');
    const { payload } = await producerDb.db.selectFrom('versaai_outbox').select('payload').executeTakeFirstOrThrow();
    const transport = harness.openTransport('crash_bus');
    const relay = createOutboxRelay({ database: producerDb, transport, logger: harness.logger });
    expect(await relay.relayOnce()).toBe(1);
    expect(await outboxSize(producerDb)).toBe(0);

    const consumerDb = await harness.openDatabase('crash_consumer');
    await migrate(consumerDb, ledgerMigrations);
    const consumer = createConsumer({
      transport,
      database: consumerDb,
      group: 'crash_consumer',
      logger: harness.logger,
      blockMs: 200,
      handlers: { 'user.registered': async (event, { trx }) => writeLedger(trx, event.id, event.type) },
    });
    consumer.start();
    try {
      await waitFor(async () => ((await ledgerRows(consumerDb, eventId)).length === 1 ? true : undefined));
      // A second publish of the same row (a relay that died after append, before delete) changes nothing.
      await transport.append([{ stream: 'user.registered', payload }]);
      await waitFor(async () => ((await transport.lag('crash_consumer', ['user.registered'])) === 0 ? true : undefined));
      expect(await ledgerRows(consumerDb, eventId)).toHaveLength(1);
    } finally {
      await consumer.stop();
    }
    // The producer's own state change is there too: it was committed with the event.
    expect(await ledgerRows(producerDb, eventId)).toEqual([{ event_id: eventId, type: 'state', note: 'user row' }]);
  });
});
