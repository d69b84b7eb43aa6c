import { createLogger } from '@versaai/kernel';
import { createEmbeddedTransport, createEvent, encodeEvent, eventsMigrations, recordInbox, streamFor } from '@versaai/events';
import { migrate, openDatabase } from '@versaai/storage';
import { tempDataDir } from '@versaai/testing';
import { expect, it } from 'vitest';
import { startBusHousekeeping } from '../src/bus-housekeeping.ts';
import { parsePlatformConfig } from '../src/platform-config.ts';

it('trims consumed entries, keeps what a live group still holds, and prunes old inbox rows', async () => {
  const data = await tempDataDir();
  const transport = createEmbeddedTransport({ file: `${data.dir}/bus.db` });
  const database = await openDatabase({ service: 'users', dataDir: data.dir });
  await migrate(database, eventsMigrations);
  const config = parsePlatformConfig({ BUS_RETENTION_MS: '0', BUS_INBOX_RETENTION_MS: '0', VERSAAI_DATA_DIR: data.dir });
  const housekeeping = startBusHousekeeping({
    transport, services: [{ name: 'users', database, consumes: true }], config, logger: createLogger({ service: 'test', level: 'silent' }),
  });
  try {
    const stream = streamFor('user.registered');
    const events = ['a', 'b', 'c'].map((userId) =>
      createEvent('user.registered', { userId, email: `${userId}@example.com`, registeredAt: new Date().toISOString() }, { source: 'auth' }));
    await transport.ensureGroup('users', [stream]);
    await transport.append(events.map((event) => ({ stream, payload: encodeEvent(event) })));
    const [first, second] = await transport.read('users', 'live-consumer', [stream], { count: 2, blockMs: 0 });
    await transport.ack('users', [first!]);
    await database.db.transaction().execute((trx) => recordInbox(trx, 'users', events[0]!.id));

    await housekeeping.runOnce();

    // Only the acked entry is gone ('b' is pending, 'c' not yet delivered): a group created now
    // starts at the beginning of what is retained.
    await transport.ensureGroup('late', [stream]);
    const retained = await transport.read('late', 'reader', [stream], { count: 10, blockMs: 0 });
    expect(retained.map((entry) => entry.payload)).toEqual([encodeEvent(events[1]!), encodeEvent(events[2]!)]);
    expect(await transport.lag('users', [stream])).toBe(2);
    const claimed = await transport.claimIdle('users', 'other', [stream], 0, 10);
    expect(claimed.map((entry) => entry.id)).toEqual([second!.id]);
    expect(await transport.read('users', 'other', [stream], { count: 10, blockMs: 0 })).toHaveLength(1);
    expect(await database.db.selectFrom('versaai_inbox').selectAll().execute()).toEqual([]);
  } finally {
    await housekeeping.close();
    await transport.close();
    await database.close();
    await data.remove();
  }
});
