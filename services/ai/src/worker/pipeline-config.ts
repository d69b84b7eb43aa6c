import { z } from 'zod';
import { envDurationMs, envEnum, envInt, envString, envUrl, parseConfig } from '@versaai/kernel';
import { DEFAULT_PLANS, plansSchema, toPlans, type Plans } from '../quota/plans.ts';

function jsonValue<S extends z.ZodType>(schema: S, description: string) {
  return envString().optional().transform((raw, ctx): z.infer<S> | undefined => {
    if (raw === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be JSON: ${description}` });
      return z.NEVER;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      ctx.addIssue({ code: 'custom', message: `must be ${description} (${result.error.issues[0]?.message ?? 'invalid'})` });
      return z.NEVER;
    }
    return result.data;
  });
}

const pipelineSchema = z.object({
  AI_PLANS: jsonValue(plansSchema, '{"<plan>": {"dailyMessages": n, "dailyTokens": n, "priority": n}, …}'),
  AI_DEFAULT_PLAN: envString({ default: 'free' }),
  AI_PROVIDER_CONCURRENCY: jsonValue(z.record(z.string(), z.number().int().min(1)), '{"<provider>": <max concurrent calls>, …}'),
  AI_DEFAULT_PROVIDER_CONCURRENCY: envInt({ min: 1, max: 100_000, default: 64 }),
  AI_QUEUE_MAX: envInt({ min: 1, max: 1_000_000, default: 2_000 }),
  AI_QUEUE_MAX_PER_USER: envInt({ min: 1, max: 100_000, default: 20 }),
  AI_QUEUE_RETRY_AFTER: envDurationMs(5_000),
  AI_CACHE_MAX_ENTRIES: envInt({ min: 0, max: 10_000_000, default: 1_000 }),
  AI_CACHE_TTL: envDurationMs(60 * 60_000),
  // Where completed answers are shared between replicas; unset: redis when REDIS_URL is set, memory otherwise.
  AI_CACHE_STORE: envEnum(['memory', 'redis'] as const).optional(),
  AI_CACHE_MAX_ANSWER_BYTES: envInt({ min: 1, max: 64 * 1_048_576, default: 256 * 1_024 }),
  AI_CACHE_REDIS_TIMEOUT: envDurationMs(250).refine((ms) => ms >= 1, 'must be at least 1ms'),
  // The platform's Redis, read as the runtime reads it (same names, same rules).
  REDIS_URL: envUrl({ protocols: ['redis:', 'rediss:'] }).optional(),
  VERSAAI_REDIS_PREFIX: envString({ default: 'versaai:' }),
  AI_LEASE: envDurationMs(30_000).refine((ms) => ms >= 300, 'must be at least 300ms'),
  AI_WORKER_SWEEP_INTERVAL: envDurationMs(2_000).refine((ms) => ms >= 10, 'must be at least 10ms'),
  AI_MAX_ATTEMPTS: envInt({ min: 1, max: 20, default: 3 }),
  AI_STREAM_FLUSH_INTERVAL: envDurationMs(20),
  AI_STREAM_FLUSH_BYTES: envInt({ min: 1, max: 1_048_576, default: 4_096 }),
}).refine((raw) => raw.AI_CACHE_STORE !== 'redis' || raw.REDIS_URL !== undefined, {
  path: ['AI_CACHE_STORE'], message: 'is redis but REDIS_URL is not set',
}).refine((raw) => (raw.AI_PLANS ? raw.AI_DEFAULT_PLAN in raw.AI_PLANS : raw.AI_DEFAULT_PLAN in DEFAULT_PLANS), {
  path: ['AI_DEFAULT_PLAN'], message: 'must name a plan of AI_PLANS',
});

export interface PipelineConfig {
  plans: Plans;
  defaultPlan: string;
  admission: {
    providerConcurrency: Readonly<Record<string, number>>;
    defaultProviderConcurrency: number;
    maxQueued: number;
    maxQueuedPerUser: number;
    retryAfterSeconds: number;
  };
  cache: {
    maxEntries: number;
    ttlMs: number;
    /** Set when completed answers are shared between replicas through Redis. */
    redis?: { url: string; prefix: string; commandTimeoutMs: number; maxAnswerBytes: number };
  };
  worker: { leaseMs: number; sweepIntervalMs: number; maxAttempts: number };
  stream: { flushIntervalMs: number; flushBytes: number };
}

/** The queue, quota, cache and worker settings of the AI service, parsed once when it starts. */
export function parsePipelineConfig(env: NodeJS.ProcessEnv): PipelineConfig {
  const raw = parseConfig(pipelineSchema, env);
  return {
    plans: toPlans(raw.AI_PLANS ?? DEFAULT_PLANS),
    defaultPlan: raw.AI_DEFAULT_PLAN,
    admission: {
      providerConcurrency: raw.AI_PROVIDER_CONCURRENCY ?? {},
      defaultProviderConcurrency: raw.AI_DEFAULT_PROVIDER_CONCURRENCY,
      maxQueued: raw.AI_QUEUE_MAX,
      maxQueuedPerUser: raw.AI_QUEUE_MAX_PER_USER,
      retryAfterSeconds: Math.max(1, Math.ceil(raw.AI_QUEUE_RETRY_AFTER / 1000)),
    },
    cache: {
      maxEntries: raw.AI_CACHE_MAX_ENTRIES,
      ttlMs: raw.AI_CACHE_TTL,
      ...((raw.AI_CACHE_STORE ?? (raw.REDIS_URL ? 'redis' : 'memory')) === 'redis' && raw.REDIS_URL ? {
        redis: { url: raw.REDIS_URL, prefix: raw.VERSAAI_REDIS_PREFIX, commandTimeoutMs: raw.AI_CACHE_REDIS_TIMEOUT, maxAnswerBytes: raw.AI_CACHE_MAX_ANSWER_BYTES },
      } : {}),
    },
    worker: { leaseMs: raw.AI_LEASE, sweepIntervalMs: raw.AI_WORKER_SWEEP_INTERVAL, maxAttempts: raw.AI_MAX_ATTEMPTS },
    stream: { flushIntervalMs: raw.AI_STREAM_FLUSH_INTERVAL, flushBytes: raw.AI_STREAM_FLUSH_BYTES },
  };
}
