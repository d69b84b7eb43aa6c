/**
 * Child process of the crash test: a producer that commits a state change with its event,
 * then relays it. With HANG_AFTER_COMMIT=1 it stops between the commit and the relay and
 * waits to be killed, like a process that dies at the worst moment.
 */
import { createLogger } from '@versaai/kernel';
import { migrate, openDatabase } from '@versaai/storage';
import { createEvent } from '../../src/create-event.ts';
import { createOutboxRelay } from '../../src/outbox-relay.ts';
import { enqueueEvents } from '../../src/outbox.ts';
import { ledgerMigrations, writeLedger } from './ledger.ts';
import { transportFrom } from './topologies.ts';

const env = process.env;
const service = env.SERVICE ?? 'producer';
const userId = env.USER_ID ?? 'crash-user';

const database = await openDatabase({ service, dataDir: env.dataDir ?? '.', databaseUrl: env.databaseUrl });
await migrate(database, ledgerMigrations);
const event = createEvent('user.registered', { userId, email: `${userId}@example.com`, registeredAt: new Date().toISOString() }, { source: service, key: userId });
await database.db.transaction().execute(async (trx) => {
  await writeLedger(trx, event.id, 'state', 'user row');
  await enqueueEvents(trx, [event]);
});
process.stdout.write(`committed ${event.id}\n`);

if (env.HANG_AFTER_COMMIT === '1') {
  setInterval(() => undefined, 60_000);
} else {
  const transport = transportFrom({ busFile: env.busFile, redisUrl: env.redisUrl, redisPrefix: env.redisPrefix });
  await createOutboxRelay({ database, transport, logger: createLogger({ service, level: 'silent' }) }).relayOnce();
  await transport.close();
  await database.close();
}
