import type { Logger, Metrics } from '@versaai/kernel';
import type { Database, PubSub, ResponseStreamStore, RevocationList } from '@versaai/storage';
import { enqueueEvents, type EventEnvelope, type OutboxEntry } from '@versaai/events';
import type { ServiceContext } from './service-definition.ts';

/**
 * The context of one hosted service. `transaction` hands the events it enqueued to the outbox
 * relay right after the commit, so they go out at once instead of at the relay's next sweep.
 */
export function createServiceContext(opts: {
  name: string;
  database: Database;
  logger: Logger;
  metrics: Metrics;
  revocations: RevocationList;
  responseStreams: ResponseStreamStore;
  pubsub: PubSub;
  env: NodeJS.ProcessEnv;
  tokens: { issuer: string; audience: string };
  onEventsCommitted: (entries: OutboxEntry[]) => void;
}): ServiceContext {
  const { database } = opts;
  return {
    name: opts.name,
    database,
    db: database.db,
    logger: opts.logger,
    metrics: opts.metrics,
    revocations: opts.revocations,
    responseStreams: opts.responseStreams,
    pubsub: opts.pubsub,
    env: opts.env,
    tokens: opts.tokens,
    async transaction(fn) {
      const enqueued: OutboxEntry[] = [];
      const result = await database.db.transaction().execute((trx) =>
        fn(trx, async (events: EventEnvelope[]) => {
          if (events.length === 0) return;
          enqueued.push(...await enqueueEvents(trx, events));
        }));
      if (enqueued.length > 0) opts.onEventsCommitted(enqueued);
      return result;
    },
  };
}
