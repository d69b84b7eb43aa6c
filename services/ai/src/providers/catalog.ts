import type { ResolvedModel } from '../generation/types.ts';

/** An upstream, as configured (built-in or from the provider document). */
export interface ProviderSpec {
  id: string;
  /** 'openai-compatible' for every HTTP upstream; 'offline' for the built-in model. */
  kind: 'openai-compatible' | 'offline';
  baseUrl?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  /** Keep-alive connections of its pool (default AI_PROVIDER_CONNECTIONS). */
  connections?: number;
  includeUsage?: boolean;
  /** Set: the provider's GET /models is read at start and every AI_MODEL_DISCOVERY_INTERVAL. */
  discovery?: DiscoveredModelDefaults;
}

/** Limits given to a discovered model (an admin may override them per model). */
export interface DiscoveredModelDefaults {
  contextWindow: number;
  maxOutputTokens: number;
}

/**
 * Modest on purpose: Ollama's default context is small (it was 2,048 tokens, 4,096 since 0.6,
 * larger only when OLLAMA_CONTEXT_LENGTH or num_ctx says so) and nothing in the list tells us more.
 */
export const DISCOVERED_MODEL_DEFAULTS: DiscoveredModelDefaults = { contextWindow: 8_192, maxOutputTokens: 2_048 };

export type ModelSpec = ResolvedModel;

export interface AiCatalog {
  providers: ProviderSpec[];
  models: ModelSpec[];
  /** The registry id answering requests that name no model. */
  defaultModel: string;
}

type ModelInit = Pick<ModelSpec, 'id' | 'contextWindow' | 'maxOutputTokens' | 'inputPricePerMillion' | 'outputPricePerMillion'> & { fallbacks?: string[] };

export function modelSpec(provider: string, init: ModelInit & { upstreamModel?: string }): ModelSpec {
  return {
    id: init.id, provider, upstreamModel: init.upstreamModel ?? init.id,
    contextWindow: init.contextWindow, maxOutputTokens: init.maxOutputTokens,
    inputPricePerMillion: init.inputPricePerMillion, outputPricePerMillion: init.outputPricePerMillion,
    enabled: true, allowedPlans: [], fallbacks: init.fallbacks ?? [], isDefault: false,
  };
}

// Groq's published limits and on-demand prices (USD per million tokens). Both have a 131,072
// token window; Groq allows 131,072 (8B) and 32,768 (70B) completion tokens — VersaAI reserves
// 8,192 per reply by default so long conversations keep most of the window. Change them in
// AI_CONFIG_FILE or through the admin API when Groq changes its price list.
export const GROQ_MODELS: ModelInit[] = [
  { id: 'llama-3.1-8b-instant', contextWindow: 131_072, maxOutputTokens: 8_192, inputPricePerMillion: 0.05, outputPricePerMillion: 0.08 },
  {
    id: 'llama-3.3-70b-versatile', contextWindow: 131_072, maxOutputTokens: 8_192, inputPricePerMillion: 0.59, outputPricePerMillion: 0.79,
    fallbacks: ['llama-3.1-8b-instant'],
  },
];

// OpenAI's published limits and standard prices (USD per million tokens).
export const OPENAI_MODELS: ModelInit[] = [
  { id: 'gpt-4o-mini', contextWindow: 128_000, maxOutputTokens: 16_384, inputPricePerMillion: 0.15, outputPricePerMillion: 0.6 },
  { id: 'gpt-4o', contextWindow: 128_000, maxOutputTokens: 16_384, inputPricePerMillion: 2.5, outputPricePerMillion: 10, fallbacks: ['gpt-4o-mini'] },
];

/** Local models cost nothing; Ollama's default context is small, so the defaults are modest. */
export function ollamaModel(name: string): ModelInit & { upstreamModel: string } {
  return { id: name, upstreamModel: name, contextWindow: 8_192, maxOutputTokens: 2_048, inputPricePerMillion: 0, outputPricePerMillion: 0 };
}
