import { defineService } from '@versaai/runtime';
import { aiMigrations } from './migrations/index.ts';

/**
 * Providers (any OpenAI-compatible API, or the built-in offline one), the model registry, the
 * admission queue, the response cache, usage accounting and quotas, and the OpenAI-compatible
 * `/v1` API for programmatic use.
 */
export const aiService = defineService({
  name: 'ai',
  migrations: aiMigrations,
  async routes() {},
});
