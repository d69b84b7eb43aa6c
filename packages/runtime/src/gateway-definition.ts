import type { FastifyInstance } from 'fastify';
import type { Logger, Metrics } from '@versaai/kernel';
import type { RateLimiter, RateLimitRule, RevocationList } from '@versaai/storage';
import type { TokenVerifier } from '@versaai/identity';
import type { Upstreams } from './upstreams.ts';

/** Registers one hosted service's routes (under `/api/<name>`) inside the given Fastify scope. */
export type MountService = (scope: FastifyInstance) => Promise<void>;

export interface GatewayOptions {
  logger: Logger;
  /** Services running in this process: the gateway mounts them inside its own scope so its edge hooks wrap them. */
  hosted: ReadonlyMap<string, MountService>;
  /** Services running elsewhere: the gateway proxies to them over HTTP. */
  upstreams: Upstreams;
  /** Shared by every request the edge counts; the runtime picks Redis when REDIS_URL is set (one budget across replicas). */
  rateLimiter?: RateLimiter;
  /** Budget overrides by rate-limit class, from the configuration. */
  rateLimits?: Readonly<Record<string, RateLimitRule>>;
  /** The process environment: the gateway parses its own settings (GATEWAY_*, CORS_ORIGINS) from it. Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** The process's metrics registry, for the gateway's upstream counters and breaker gauges. */
  metrics?: Metrics;
  /** Verifies access tokens against auth's JWKS (the same instance the hosted services use). */
  verifier: TokenVerifier;
  /** Sessions and API keys revoked before their tokens expire; checked on every authenticated request. */
  revocations: RevocationList;
}

/**
 * The edge, as the runtime sees it. The runtime cannot import the gateway service (the
 * gateway depends on the runtime), so the composition root passes it in.
 */
export interface GatewayDefinition {
  name: 'gateway';
  /** Service names the gateway routes to (from its route table). */
  services(): string[];
  register(app: FastifyInstance, opts: GatewayOptions): Promise<void>;
}
