import { defineService, type ServiceContext, type ServiceDefinition } from '@versaai/runtime';
import { onMessageSent } from '../handlers/message-sent.ts';
import { onUserDeleted } from '../handlers/user-deleted.ts';
import { aiMigrations } from '../migrations/index.ts';
import { openAiRoutes } from '../openai-api/openai-routes.ts';
import { privacyRoutes } from '../privacy/privacy-routes.ts';
import { usageRoutes } from '../usage/usage-routes.ts';
import { CIRCUIT_STATE_VALUES } from '../metrics/ai-metrics.ts';
import type { GenerationCore } from './generation-core.ts';
import { createPipeline, type Pipeline } from './pipeline.ts';

export interface AiServiceOptions {
  /** Opens the generation core (registry, providers, generator); tests pass a controllable one. */
  openCore: (ctx: ServiceContext, app: Parameters<ServiceDefinition['routes']>[0]) => Promise<GenerationCore>;
}

/**
 * Providers (any OpenAI-compatible API, or the built-in offline one), the model registry, the
 * admission queue, the response cache, usage accounting and quotas, and the OpenAI-compatible
 * `/v1` API for programmatic use.
 */
export function createAiService(options: AiServiceOptions): ServiceDefinition {
  // One pipeline per hosted instance (a test process may host several platforms).
  const pipelines = new WeakMap<ServiceContext, Pipeline>();
  const cores = new WeakMap<ServiceContext, GenerationCore>();
  const pipelineOf = (ctx: ServiceContext): Pipeline => {
    let pipeline = pipelines.get(ctx);
    if (!pipeline) pipelines.set(ctx, (pipeline = createPipeline(ctx)));
    return pipeline;
  };
  const coreOf = (ctx: ServiceContext) => () => {
    const core = cores.get(ctx);
    if (!core) throw new Error('the generation core is not open yet');
    return core;
  };

  return defineService({
    name: 'ai',
    migrations: aiMigrations,
    async routes(app, ctx) {
      const pipeline = pipelineOf(ctx);
      const core = await options.openCore(ctx, app);
      cores.set(ctx, core);
      core.onCircuitStateChange?.((provider, state) => pipeline.metrics.circuitState.set({ provider }, CIRCUIT_STATE_VALUES[state] ?? -1));
      await usageRoutes(app, ctx);
      await privacyRoutes(app, ctx);
      await pipeline.start(core.generator);
      app.addHook('onClose', async () => {
        await pipeline.stop();
        await core.close?.();
      });
    },
    async rootRoutes(app, ctx) {
      await openAiRoutes(app, ctx, pipelineOf(ctx), coreOf(ctx));
    },
    handlers: (ctx) => {
      const pipeline = pipelineOf(ctx);
      return { 'message.sent': onMessageSent(pipeline.worker, pipeline.intakeQuota, pipeline.erased), 'user.deleted': onUserDeleted(ctx.responseStreams, pipeline.erased) };
    },
  });
}
