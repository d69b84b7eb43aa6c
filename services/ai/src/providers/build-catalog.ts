import { ConfigError } from '@versaai/kernel';
import type { AiCoreConfig } from '../config.ts';
import {
  DISCOVERED_MODEL_DEFAULTS, GROQ_MODELS, OPENAI_MODELS, modelSpec, ollamaModel, type AiCatalog, type ModelSpec, type ProviderSpec,
} from './catalog.ts';
import { OFFLINE_MODEL_ID, OFFLINE_PROVIDER_ID } from './offline-reply.ts';
import { parseProviderDocument, readProviderDocumentFile, type ProviderDocument } from './provider-document.ts';

const offlineModel = (enabled: boolean): ModelSpec => ({
  ...modelSpec(OFFLINE_PROVIDER_ID, { id: OFFLINE_MODEL_ID, contextWindow: 32_768, maxOutputTokens: 1_024, inputPricePerMillion: 0, outputPricePerMillion: 0 }),
  enabled,
});

function fromEnvironment(config: AiCoreConfig): { providers: ProviderSpec[]; models: ModelSpec[] } {
  const providers: ProviderSpec[] = [];
  const models: ModelSpec[] = [];
  const { groq, openai, ollama } = config.env;
  if (groq) {
    providers.push({ id: 'groq', kind: 'openai-compatible', baseUrl: groq.baseUrl, apiKey: groq.apiKey });
    models.push(...GROQ_MODELS.map((model) => modelSpec('groq', model)));
  }
  if (openai) {
    providers.push({ id: 'openai', kind: 'openai-compatible', baseUrl: openai.baseUrl, apiKey: openai.apiKey });
    models.push(...OPENAI_MODELS.map((model) => modelSpec('openai', model)));
  }
  if (ollama) {
    // An explicit OLLAMA_MODELS is authoritative; without it the server's own list is discovered.
    if (ollama.models) {
      providers.push({ id: 'ollama', kind: 'openai-compatible', baseUrl: ollama.baseUrl });
      models.push(...ollama.models.map((name) => modelSpec('ollama', ollamaModel(name))));
    } else {
      providers.push({ id: 'ollama', kind: 'openai-compatible', baseUrl: ollama.baseUrl, discovery: DISCOVERED_MODEL_DEFAULTS });
    }
  }
  return { providers, models };
}

function applyDocument(doc: ProviderDocument, variable: string, env: NodeJS.ProcessEnv, providers: Map<string, ProviderSpec>, models: Map<string, ModelSpec>) {
  for (const provider of doc.providers) {
    if (provider.id === OFFLINE_PROVIDER_ID) throw new ConfigError([{ variable, problem: `cannot redefine the built-in provider "${OFFLINE_PROVIDER_ID}"` }]);
    const apiKey = provider.apiKeyEnv ? env[provider.apiKeyEnv] : undefined;
    if (provider.apiKeyEnv && !apiKey) throw new ConfigError([{ variable: provider.apiKeyEnv, problem: `is required by provider "${provider.id}" (${variable})` }]);
    providers.set(provider.id, {
      id: provider.id, kind: 'openai-compatible', baseUrl: provider.baseUrl, apiKey, headers: provider.headers,
      connections: provider.connections, includeUsage: provider.includeUsage,
      ...(provider.discoverModels ? { discovery: provider.discoveredModelDefaults ?? DISCOVERED_MODEL_DEFAULTS } : {}),
    });
  }
  for (const model of doc.models) {
    models.set(model.id, {
      ...modelSpec(model.provider, { ...model, upstreamModel: model.upstreamModel ?? model.id }),
      enabled: model.enabled, allowedPlans: model.allowedPlans, isDefault: model.default,
    });
  }
}

function chooseDefault(config: AiCoreConfig, docs: ProviderDocument[], models: ModelSpec[], discovering: boolean): string {
  const named = config.defaultModel ?? [...docs].reverse().find((doc) => doc.defaultModel)?.defaultModel ?? models.find((model) => model.isDefault)?.id;
  if (named !== undefined) {
    // A discovered model is not known yet: the registry prefers it once it is listed.
    if (!models.some((model) => model.id === named) && !discovering) {
      throw new ConfigError([{ variable: config.defaultModel ? 'AI_DEFAULT_MODEL' : 'AI_CONFIG_FILE', problem: `names an unknown model "${named}"` }]);
    }
    return named;
  }
  return models.find((model) => model.enabled && model.provider !== OFFLINE_PROVIDER_ID)?.id ?? OFFLINE_MODEL_ID;
}

function check(catalog: AiCatalog): void {
  const providerIds = new Set(catalog.providers.map((provider) => provider.id));
  const modelIds = new Set(catalog.models.map((model) => model.id));
  for (const model of catalog.models) {
    if (!providerIds.has(model.provider)) throw new ConfigError([{ variable: 'AI_CONFIG_FILE', problem: `model "${model.id}" names an unknown provider "${model.provider}"` }]);
    const unknown = model.fallbacks.find((id) => !modelIds.has(id) || id === model.id);
    if (unknown !== undefined) throw new ConfigError([{ variable: 'AI_CONFIG_FILE', problem: `model "${model.id}" has an invalid fallback "${unknown}"` }]);
  }
}

/**
 * Providers and models from the environment (GROQ_API_KEY, OPENAI_API_KEY, OLLAMA_URL), then
 * AI_CONFIG_FILE, then AI_PROVIDERS (later definitions with the same id win). The offline
 * model always exists; it is enabled, and the default, only when no other provider is set.
 */
export function buildCatalog(config: AiCoreConfig, env: NodeJS.ProcessEnv): AiCatalog {
  const base = fromEnvironment(config);
  const providers = new Map(base.providers.map((provider) => [provider.id, provider]));
  const models = new Map(base.models.map((model) => [model.id, model]));
  const docs: ProviderDocument[] = [];
  if (config.configFile) docs.push(readProviderDocumentFile(config.configFile));
  if (config.providersDocument) docs.push(parseProviderDocument(config.providersDocument, 'AI_PROVIDERS'));
  docs.forEach((doc, index) => applyDocument(doc, index === 0 && config.configFile ? 'AI_CONFIG_FILE' : 'AI_PROVIDERS', env, providers, models));
  const online = providers.size > 0;
  providers.set(OFFLINE_PROVIDER_ID, { id: OFFLINE_PROVIDER_ID, kind: 'offline' });
  if (!models.has(OFFLINE_MODEL_ID)) models.set(OFFLINE_MODEL_ID, offlineModel(!online));
  const list = [...models.values()];
  const defaultModel = chooseDefault(config, docs, list, [...providers.values()].some((provider) => provider.discovery));
  const catalog: AiCatalog = {
    providers: [...providers.values()],
    models: list.map((model) => ({ ...model, isDefault: model.id === defaultModel })),
    defaultModel,
  };
  check(catalog);
  return catalog;
}
