import type { FastifyInstance } from 'fastify';
import type { Logger, Metrics, ReadinessCheck, ShutdownStep } from '@versaai/kernel';
import { migrate, openDatabase, type Database, type PubSub, type ResponseStreamStore, type RevocationList } from '@versaai/storage';
import { createConsumer, createOutboxRelay, eventsMigrations, type BusTransport } from '@versaai/events';
import type { PlatformConfig } from './platform-config.ts';
import { servicePrefix, type ServiceContext, type ServiceDefinition } from './service-definition.ts';
import { createServiceContext } from './service-context.ts';

/** One service running in this process: its database, outbox relay, consumer and routes. */
export interface HostedService {
  name: string;
  context: ServiceContext;
  /** Registers the service's routes under /api/<name> (and its root routes, if any) inside `scope`. */
  mount(scope: FastifyInstance): Promise<void>;
  readiness: ReadinessCheck[];
  start(): void;
  /** Absent when the service has no event handlers. */
  stopConsumer: ShutdownStep | undefined;
  stopRelay: ShutdownStep;
  closeDatabase: ShutdownStep;
}

/** Opens the service's database and applies its pending migrations (the events tables included). */
export async function openServiceDatabase(def: ServiceDefinition, config: PlatformConfig, logger: Logger): Promise<{ database: Database; applied: string[] }> {
  const database = await openDatabase({ service: def.name, databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    // eventsMigrations sort first (0000_events_…), so a service migration may already enqueue events.
    const { applied } = await migrate(database, [...eventsMigrations, ...def.migrations], logger);
    return { database, applied };
  } catch (error) {
    await database.close();
    throw error;
  }
}

export async function openHostedService(def: ServiceDefinition, deps: {
  config: PlatformConfig;
  transport: BusTransport;
  logger: Logger;
  metrics: Metrics;
  revocations: RevocationList;
  responseStreams: ResponseStreamStore;
  pubsub: PubSub;
  env: NodeJS.ProcessEnv;
}): Promise<HostedService> {
  const logger = deps.logger.child({ component: def.name });
  const { database } = await openServiceDatabase(def, deps.config, logger);
  const relay = createOutboxRelay({ database, transport: deps.transport, logger, metrics: deps.metrics });
  const context = createServiceContext({ name: def.name, database, logger, metrics: deps.metrics, revocations: deps.revocations, responseStreams: deps.responseStreams, pubsub: deps.pubsub, env: deps.env,
    tokens: { issuer: deps.config.tokens.issuer, audience: deps.config.tokens.audience }, onEventsCommitted: (entries) => relay.publishCommitted(entries) });
  const handlers = def.handlers?.(context) ?? {};
  const consumer = Object.keys(handlers).length === 0 ? undefined : createConsumer({
    transport: deps.transport,
    database,
    group: def.name,
    handlers,
    logger,
    metrics: deps.metrics,
    blockMs: deps.config.bus.blockMs,
    maxDeliveries: deps.config.bus.maxDeliveries,
    reclaimIdleMs: deps.config.bus.reclaimIdleMs,
    // Handlers that publish write to the outbox; wake the relay after their commit.
    onOutboxWrite: () => relay.notify(),
  });

  const readiness: ReadinessCheck[] = [{ name: `${def.name}-database`, check: () => database.ping() }];
  if (consumer) readiness.push({ name: `${def.name}-consumer`, check: () => consumer.readiness() });

  return {
    name: def.name,
    context,
    readiness,
    async mount(scope) {
      await scope.register(async (serviceScope) => def.routes(serviceScope, context), { prefix: servicePrefix(def.name) });
      if (def.rootRoutes) await scope.register(async (rootScope) => def.rootRoutes!(rootScope, context));
    },
    start() {
      relay.start();
      consumer?.start();
    },
    stopConsumer: consumer ? { name: `${def.name}-consumer`, close: () => consumer.stop() } : undefined,
    stopRelay: { name: `${def.name}-outbox-relay`, close: () => relay.stop() },
    closeDatabase: { name: `${def.name}-database`, close: () => database.close() },
  };
}
