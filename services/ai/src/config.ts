import { z } from 'zod';
import { envDurationMs, envInt, envPositiveInt, envSecret, envString, envUrl, parseConfig } from '@versaai/kernel';

// Settings of the AI core (providers, registry, generation). The queue/quota/cache settings
// are parsed separately by the pipeline (worker/pipeline-config.ts).
const aiCoreSchema = z.object({
  GROQ_API_KEY: envSecret(),
  GROQ_BASE_URL: envUrl({ default: 'https://api.groq.com/openai/v1', protocols: ['http:', 'https:'] }),
  OPENAI_API_KEY: envSecret(),
  OPENAI_BASE_URL: envUrl({ default: 'https://api.openai.com/v1', protocols: ['http:', 'https:'] }),
  OLLAMA_URL: envUrl({ protocols: ['http:', 'https:'] }).optional(),
  // Unset: the models the Ollama server has are discovered; set: exactly these, no discovery.
  OLLAMA_MODELS: envString().optional(),
  AI_PROVIDERS: envString().optional(),
  AI_CONFIG_FILE: envString().optional(),
  AI_DEFAULT_MODEL: envString().optional(),
  AI_DEFAULT_PLAN: envString({ default: 'free' }),
  AI_FIRST_TOKEN_TIMEOUT: envDurationMs(30_000).refine((ms) => ms >= 1, 'must be at least 1ms'),
  AI_IDLE_TIMEOUT: envDurationMs(30_000).refine((ms) => ms >= 1, 'must be at least 1ms'),
  AI_TOTAL_TIMEOUT: envDurationMs(300_000).refine((ms) => ms >= 1, 'must be at least 1ms'),
  AI_UPSTREAM_RETRIES: envInt({ min: 0, max: 10, default: 2 }),
  AI_RETRY_BASE: envDurationMs(250),
  AI_RETRY_MAX: envDurationMs(8_000),
  AI_RETRY_AFTER_MAX: envDurationMs(30_000),
  AI_BREAKER_FAILURES: envPositiveInt(5),
  AI_BREAKER_HALF_OPEN_AFTER: envDurationMs(30_000),
  AI_PROVIDER_CONNECTIONS: envInt({ min: 1, max: 100_000, default: 256 }),
  AI_OFFLINE_TOKEN_DELAY: envDurationMs(15),
  AI_REGISTRY_REFRESH: envDurationMs(10_000),
  AI_MODEL_DISCOVERY_INTERVAL: envDurationMs(60_000).refine((ms) => ms === 0 || ms >= 1_000, 'must be 0 (at start only) or at least 1s'),
  AI_MODEL_DISCOVERY_TIMEOUT: envDurationMs(5_000).refine((ms) => ms >= 1, 'must be at least 1ms'),
});

export interface DiscoverySettings {
  /** Between two reads of a provider's GET /models (0 = read once, at start). */
  intervalMs: number;
  /** Of one read (connect, headers and body). */
  timeoutMs: number;
}

export interface DeadlineSettings {
  firstTokenMs: number;
  idleMs: number;
  totalMs: number;
}

export interface RetrySettings {
  /** Retries of one model before moving to its fallback (0 = one attempt). */
  retries: number;
  baseMs: number;
  maxMs: number;
  /** A retry-after longer than this is not waited for: the next fallback is tried instead. */
  retryAfterMaxMs: number;
}

export interface BreakerSettings {
  /** Consecutive failures (5xx, timeouts, connection errors) that open a provider's circuit. */
  failures: number;
  halfOpenAfterMs: number;
}

export interface AiCoreConfig {
  env: {
    groq?: { apiKey: string; baseUrl: string };
    openai?: { apiKey: string; baseUrl: string };
    /** `models` undefined: OLLAMA_MODELS is not set, the server's models are discovered. */
    ollama?: { baseUrl: string; models?: string[] };
  };
  /** Inline provider/model document (JSON or YAML), from AI_PROVIDERS. */
  providersDocument?: string;
  /** Path of a provider/model document (JSON or YAML), from AI_CONFIG_FILE. */
  configFile?: string;
  defaultModel?: string;
  defaultPlan: string;
  deadlines: DeadlineSettings;
  retry: RetrySettings;
  breaker: BreakerSettings;
  connectionsPerProvider: number;
  offlineTokenDelayMs: number;
  registryRefreshMs: number;
  discovery: DiscoverySettings;
}

/** Ollama serves its OpenAI-compatible API under /v1 of its base URL. */
function ollamaBaseUrl(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}

/** The AI core's settings from the service's environment; throws ConfigError naming bad variables. */
export function parseAiCoreConfig(env: NodeJS.ProcessEnv): AiCoreConfig {
  const raw = parseConfig(aiCoreSchema, env);
  return {
    env: {
      ...(raw.GROQ_API_KEY ? { groq: { apiKey: raw.GROQ_API_KEY, baseUrl: raw.GROQ_BASE_URL } } : {}),
      ...(raw.OPENAI_API_KEY ? { openai: { apiKey: raw.OPENAI_API_KEY, baseUrl: raw.OPENAI_BASE_URL } } : {}),
      ...(raw.OLLAMA_URL ? {
        ollama: {
          baseUrl: ollamaBaseUrl(raw.OLLAMA_URL),
          ...(raw.OLLAMA_MODELS === undefined ? {} : { models: raw.OLLAMA_MODELS.split(',').map((m) => m.trim()).filter(Boolean) }),
        },
      } : {}),
    },
    providersDocument: raw.AI_PROVIDERS,
    configFile: raw.AI_CONFIG_FILE,
    defaultModel: raw.AI_DEFAULT_MODEL,
    defaultPlan: raw.AI_DEFAULT_PLAN,
    deadlines: { firstTokenMs: raw.AI_FIRST_TOKEN_TIMEOUT, idleMs: raw.AI_IDLE_TIMEOUT, totalMs: raw.AI_TOTAL_TIMEOUT },
    retry: { retries: raw.AI_UPSTREAM_RETRIES, baseMs: raw.AI_RETRY_BASE, maxMs: raw.AI_RETRY_MAX, retryAfterMaxMs: raw.AI_RETRY_AFTER_MAX },
    breaker: { failures: raw.AI_BREAKER_FAILURES, halfOpenAfterMs: raw.AI_BREAKER_HALF_OPEN_AFTER },
    connectionsPerProvider: raw.AI_PROVIDER_CONNECTIONS,
    offlineTokenDelayMs: raw.AI_OFFLINE_TOKEN_DELAY,
    registryRefreshMs: raw.AI_REGISTRY_REFRESH,
    discovery: { intervalMs: raw.AI_MODEL_DISCOVERY_INTERVAL, timeoutMs: raw.AI_MODEL_DISCOVERY_TIMEOUT },
  };
}
