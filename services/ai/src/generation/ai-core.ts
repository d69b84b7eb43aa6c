import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Identity } from '@versaai/identity';
import type { Logger } from '@versaai/kernel';
import type { Registry } from 'prom-client';
import { discoveryMetrics } from '../discovery/discovery-metrics.ts';
import { createModelDiscovery, type ModelDiscovery } from '../discovery/model-discovery.ts';
import { parseAiCoreConfig, type AiCoreConfig } from '../config.ts';
import { buildCatalog } from '../providers/build-catalog.ts';
import type { AiCatalog } from '../providers/catalog.ts';
import { createProviders } from '../providers/create-providers.ts';
import type { ProviderAdapter } from '../providers/types.ts';
import { createModelRegistry, type ModelRegistry } from '../registry/model-registry.ts';
import { modelRoutes } from '../registry/routes.ts';
import { createProviderBreakers, type CircuitStateName } from './breakers.ts';
import { createGenerator } from './generator.ts';
import type { Generator } from './types.ts';

export interface AiCoreContext {
  db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** The service's metrics registry (model discovery gauges); absent in bare tests. */
  metrics?: { registry: Registry };
}

export interface AiCoreOptions {
  /** The caller's plan for GET /models; default: AI_DEFAULT_PLAN for everyone. */
  planOf?(identity: Identity): string | Promise<string>;
  /** For tests: the jitter source. */
  random?: () => number;
}

export interface AiCore {
  config: AiCoreConfig;
  catalog: AiCatalog;
  registry: ModelRegistry;
  /** Reads GET /models of providers configured for discovery (Ollama without OLLAMA_MODELS, `discoverModels: true`). */
  discovery: ModelDiscovery;
  generator: Generator;
  providers: ReadonlyMap<string, ProviderAdapter>;
  /** Circuit state per provider called so far (for metrics). */
  circuitStates(): Record<string, CircuitStateName>;
  onCircuitStateChange(listener: (provider: string, state: CircuitStateName) => void): void;
  /** GET /models and /admin/models/* (register inside the service's /api/ai scope). */
  routes(app: FastifyInstance): Promise<void>;
  /** Stops the registry refresh and closes the providers' connection pools. */
  close(): Promise<void>;
}

/**
 * Providers, model registry and generator from the service's environment and database.
 * Seeds the registry (so the `models` table must be migrated first).
 */
export async function createAiCore(ctx: AiCoreContext, opts: AiCoreOptions = {}): Promise<AiCore> {
  const config = parseAiCoreConfig(ctx.env);
  const catalog = buildCatalog(config, ctx.env);
  const providers = createProviders(catalog.providers, config);
  const registry = createModelRegistry({
    db: ctx.db, seed: catalog.models, providers: new Set(providers.keys()), refreshMs: config.registryRefreshMs, logger: ctx.logger,
    preferredDefault: catalog.defaultModel,
  });
  const discovery = createModelDiscovery({
    providers: catalog.providers, settings: config.discovery, target: registry, logger: ctx.logger,
    onStatus: ctx.metrics ? discoveryMetrics(ctx.metrics.registry) : undefined,
  });
  try {
    await registry.start();
    // Bounded by AI_MODEL_DISCOVERY_TIMEOUT and never throws: a provider that is down delays the
    // start by at most that long, and its models appear at a later read.
    await discovery.start();
  } catch (error) {
    discovery.stop();
    await Promise.allSettled([...providers.values()].map((provider) => provider.close()));
    throw error;
  }
  const breakers = createProviderBreakers(config.breaker);
  const generator = createGenerator({
    registry, providers, breakers, deadlines: config.deadlines, retry: config.retry, logger: ctx.logger, random: opts.random,
  });
  const planOf = opts.planOf ?? (() => config.defaultPlan);
  ctx.logger.info({
    providers: [...providers.keys()], models: catalog.models.filter((model) => model.enabled).map((model) => model.id), defaultModel: catalog.defaultModel,
    discovery: discovery.status(),
  }, 'ai: providers configured');

  return {
    config, catalog, registry, discovery, generator, providers,
    circuitStates: () => breakers.states(),
    onCircuitStateChange: (listener) => breakers.onStateChange(listener),
    routes: (app) => modelRoutes(app, { db: ctx.db, registry, planOf }),
    async close() {
      discovery.stop();
      registry.stop();
      await Promise.allSettled([...providers.values()].map((provider) => provider.close()));
    },
  };
}
