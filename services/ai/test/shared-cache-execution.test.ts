import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createLogger } from '@versaai/kernel';
import { createTestRedisPrefix, requireService, waitFor, type TestRedisPrefix } from '@versaai/testing';
import { AdmissionQueue } from '../src/admission/admission-queue.ts';
import { cacheKey } from '../src/cache/cache-key.ts';
import { createRedisAnswerStore, type RedisAnswerStore } from '../src/cache/redis-answer-store.ts';
import { ResponseCache } from '../src/cache/response-cache.ts';
import type { GenerationRequest, GenerationSink, Generator, ResolvedModel } from '../src/generation/types.ts';
import { createAiMetrics } from '../src/metrics/ai-metrics.ts';
import { executeGeneration, type ExecutionDeps } from '../src/worker/execute-generation.ts';

const available = await requireService('redis', 'ai shared cache through the execution path');

const model: ResolvedModel = {
  id: 'm1', provider: 'p1', upstreamModel: 'm1', contextWindow: 8_192, maxOutputTokens: 1_024, inputPricePerMillion: 1,
  outputPricePerMillion: 2, enabled: true, allowedPlans: [], fallbacks: [], isDefault: true,
};

/** Answers every request with the same two deltas and counts the upstream calls. */
function countingGenerator(): Generator & { calls: number } {
  return {
    calls: 0,
    resolve: () => model,
    async generate(req, sink) {
      this.calls++;
      sink.onStart({ model: model.id, provider: model.provider });
      sink.onDelta('Hel');
      sink.onDelta('lo');
      return {
        status: 'completed', content: 'Hello', model: model.id, provider: model.provider,
        usage: { promptTokens: 4, completionTokens: 2 }, costUsd: 0.01, finishReason: 'stop', usageSource: 'reported',
      };
    },
  } as Generator & { calls: number };
}

function collectingSink(): GenerationSink & { text: string } {
  return { text: '', onStart() {}, onDelta(delta) { this.text += delta; } };
}

describe.skipIf(!available)('the exact cache through executeGeneration, shared by two replicas', () => {
  let redis: TestRedisPrefix;
  const stores: RedisAnswerStore[] = [];

  beforeAll(() => {
    redis = createTestRedisPrefix();
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await redis?.cleanup();
  });

  async function replica(generator: Generator): Promise<ExecutionDeps> {
    const store = createRedisAnswerStore({
      url: redis.url, prefix: redis.prefix, commandTimeoutMs: 1_000, maxAnswerBytes: 256 * 1024, logger: createLogger({ service: 'ai', level: 'silent' }),
    });
    stores.push(store);
    const cache = new ResponseCache({ maxEntries: 10, ttlMs: 60_000, shared: store });
    cache.open();
    await waitFor(() => store.connected || undefined);
    const queue = new AdmissionQueue({ concurrency: {}, defaultConcurrency: 4, maxQueued: 10, maxQueuedPerUser: 10, retryAfterSeconds: 1 });
    return { generator, queue, cache, metrics: createAiMetrics(new Registry()) };
  }

  const request: GenerationRequest = { model: 'm1', messages: [{ role: 'user', content: 'Hi' }], temperature: 0, userId: 'u1', plan: 'free' };
  const run = (deps: ExecutionDeps, cacheable = true) => {
    const sink = collectingSink();
    return executeGeneration(deps, { request, model, priority: 1, cacheable, sink, signal: new AbortController().signal, source: 'api' })
      .then((output) => ({ ...output, text: sink.text }));
  };

  it('replica B replays the answer replica A produced, without calling upstream', async () => {
    const upstreamA = countingGenerator();
    const upstreamB = countingGenerator();
    const a = await replica(upstreamA);
    const b = await replica(upstreamB);

    expect(await run(a)).toMatchObject({ cached: false, text: 'Hello' });
    // A's write to Redis runs in the background: wait until it has landed.
    const raw = new Redis(redis.url);
    const key = `${redis.prefix}ai:cache:${cacheKey({ userId: 'u1', model: 'm1', messages: request.messages, temperature: 0 })}`;
    await waitFor(async () => ((await raw.exists(key)) === 1 ? true : undefined)).finally(() => raw.quit());

    expect(await run(b)).toMatchObject({ cached: true, text: 'Hello', result: { costUsd: 0, content: 'Hello' } });
    expect(upstreamA.calls).toBe(1);
    expect(upstreamB.calls).toBe(0);

    // A request that is not cacheable never looks anything up.
    expect(await run(b, false)).toMatchObject({ cached: false });
    expect(upstreamB.calls).toBe(1);
  });
});
