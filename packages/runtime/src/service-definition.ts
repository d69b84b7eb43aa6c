import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger, Metrics } from '@versaai/kernel';
import type { Database, Migration, PubSub, ResponseStreamStore, RevocationList } from '@versaai/storage';
import type { EventEnvelope, EventHandler, EventType } from '@versaai/events';

/** Enqueues events in the outbox of the surrounding transaction; they are published after commit. */
export type Publish = (events: EventEnvelope[]) => Promise<void>;

/** What the runtime hands a service: its own database, logger and metrics, and atomic state + events writes. */
export interface ServiceContext {
  name: string;
  database: Database;
  db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each service types its own tables
  logger: Logger;
  metrics: Metrics;
  /** Shared with the edge: an id revoked here is refused at the gateway at once. */
  revocations: RevocationList;
  /** The environment this process was started with: a service parses its own settings from it, never from process.env directly. */
  env: NodeJS.ProcessEnv;
  /** Live, resumable logs of assistant responses, shared by every process of the platform (memory in all-in-one, Redis otherwise). */
  responseStreams: ResponseStreamStore;
  /** Notifications to every process of the platform (memory in all-in-one, Redis pub/sub otherwise); nothing is stored. */
  pubsub: PubSub;
  /** The issuer and audience every access token carries (auth signs with them). */
  tokens: { issuer: string; audience: string };
  /** Runs fn in one database transaction; events passed to publish are committed with the state change. */
  transaction<T>(fn: (trx: Kysely<any>, publish: Publish) => Promise<T>): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ServiceDefinition {
  /** 'auth' → routes under /api/auth, database `auth`, consumer group `auth`. */
  name: string;
  migrations: Migration[];
  /** Registered with prefix `/api/<name>`. */
  routes(app: FastifyInstance, ctx: ServiceContext): Promise<void>;
  /**
   * Routes outside `/api/<name>`, registered at the root: only for public protocols whose paths
   * are fixed by others (the OpenAI-compatible `/v1/...`). The gateway's route table must list them.
   */
  rootRoutes?(app: FastifyInstance, ctx: ServiceContext): Promise<void>;
  handlers?(ctx: ServiceContext): Partial<Record<EventType, EventHandler>>;
}

const SERVICE_NAME = /^[a-z][a-z0-9_]*$/;

/** Checks the definition once at import time, so a bad name fails before any process starts. */
export function defineService(def: ServiceDefinition): ServiceDefinition {
  if (!SERVICE_NAME.test(def.name)) {
    throw new Error(`Invalid service name "${def.name}": it names a URL prefix, a database schema and a consumer group, so it must match ${SERVICE_NAME}`);
  }
  if (def.name === 'gateway') throw new Error('"gateway" is reserved for the edge');
  return def;
}

export function servicePrefix(name: string): string {
  return `/api/${name}`;
}
