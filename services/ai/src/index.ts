import { createAiCore } from './generation/ai-core.ts';
import { createAiService } from './worker/ai-service.ts';

export { createAiService, type AiServiceOptions } from './worker/ai-service.ts';

/**
 * Providers (any OpenAI-compatible API, or the built-in offline one), the model registry, the
 * admission queue, the response cache, usage accounting and quotas, and the OpenAI-compatible
 * `/v1` API for programmatic use.
 */
export const aiService = createAiService({
  async openCore(ctx, app) {
    const core = await createAiCore(ctx);
    // GET /api/ai/models and the admin model registry API.
    await core.routes(app);
    return {
      generator: core.generator,
      availableModels: (plan) => core.registry.available(plan).map((model) => ({ id: model.id, provider: model.provider })),
      onCircuitStateChange: (listener) => core.onCircuitStateChange(listener),
      close: () => core.close(),
    };
  },
});
