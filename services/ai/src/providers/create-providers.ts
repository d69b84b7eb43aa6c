import type { AiCoreConfig } from '../config.ts';
import type { ProviderSpec } from './catalog.ts';
import { createOfflineProvider } from './offline.ts';
import { createOpenAiCompatibleProvider } from './openai-compatible.ts';
import type { ProviderAdapter } from './types.ts';

/** One adapter (and keep-alive pool) per configured provider. */
export function createProviders(specs: readonly ProviderSpec[], config: AiCoreConfig): Map<string, ProviderAdapter> {
  const providers = new Map<string, ProviderAdapter>();
  for (const spec of specs) {
    if (spec.kind === 'offline') {
      providers.set(spec.id, createOfflineProvider({ tokenDelayMs: config.offlineTokenDelayMs }));
      continue;
    }
    providers.set(spec.id, createOpenAiCompatibleProvider({
      id: spec.id, baseUrl: spec.baseUrl!, apiKey: spec.apiKey, headers: spec.headers,
      connections: spec.connections ?? config.connectionsPerProvider, includeUsage: spec.includeUsage,
    }));
  }
  return providers;
}
