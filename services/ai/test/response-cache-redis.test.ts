import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createLogger } from '@versaai/kernel';
import { createTestRedisPrefix, freePort, requireService, waitFor, type TestRedisPrefix } from '@versaai/testing';
import { createRedisAnswerStore, type RedisAnswerStore } from '../src/cache/redis-answer-store.ts';
import { ResponseCache, type CachedAnswer, type CacheOutcome } from '../src/cache/response-cache.ts';
import type { GenerationResult } from '../src/generation/types.ts';

const available = await requireService('redis', 'ai response cache on Redis');

function answer(text: string, status: GenerationResult['status'] = 'completed'): CachedAnswer {
  return {
    result: {
      status, content: text, model: 'm1', provider: 'p1', usage: { promptTokens: 3, completionTokens: 2 }, costUsd: 0.001,
      finishReason: status === 'completed' ? 'stop' : 'error', ...(status === 'completed' ? {} : { errorCode: 'AI_UPSTREAM_ERROR' }),
      usageSource: 'reported',
    },
    deltas: [text.slice(0, 2), text.slice(2)],
  };
}

function capturedLogger() {
  const lines: { level: string; msg: string }[] = [];
  const logger = createLogger({ service: 'ai', level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, warnings: () => lines.filter((line) => line.level === 'warn') };
}

async function leaderOf(outcome: CacheOutcome | Promise<CacheOutcome>) {
  const resolved = await outcome;
  if (resolved.kind !== 'leader') throw new Error(`expected a miss (leader), got ${resolved.kind}`);
  return resolved;
}

describe.skipIf(!available)('exact response cache shared through Redis', () => {
  let redis: TestRedisPrefix;
  let raw: Redis;
  const stores: RedisAnswerStore[] = [];

  beforeAll(async () => {
    redis = createTestRedisPrefix();
    raw = new Redis(redis.url);
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await redis?.cleanup();
    await raw?.quit();
  });

  /** One "replica": its own LRU and its own Redis connection, on the test's prefix. */
  async function replica(opts: { maxAnswerBytes?: number; ttlMs?: number; url?: string } = {}) {
    const { logger, warnings } = capturedLogger();
    const store = createRedisAnswerStore({
      url: opts.url ?? redis.url, prefix: redis.prefix, commandTimeoutMs: 1_000, maxAnswerBytes: opts.maxAnswerBytes ?? 256 * 1024, logger,
    });
    stores.push(store);
    const cache = new ResponseCache({ maxEntries: 100, ttlMs: opts.ttlMs ?? 60_000, shared: store });
    cache.open();
    if (!opts.url) await waitFor(() => store.connected || undefined);
    return { cache, store, warnings };
  }

  const stored = (key: string) => raw.get(`${redis.prefix}ai:cache:${key}`);

  it('a completed answer produced by one replica is a hit on another', async () => {
    const a = await replica();
    const b = await replica();
    const lead = await leaderOf(a.cache.lookup('k-shared'));
    lead.settle(answer('hello world'));
    await waitFor(async () => (await stored('k-shared')) ?? undefined);

    const outcome = await b.cache.lookup('k-shared');
    expect(outcome).toEqual({ kind: 'hit', answer: answer('hello world') });
    // Kept in b's LRU: the next lookup answers synchronously.
    expect(b.cache.lookup('k-shared')).toMatchObject({ kind: 'hit' });
  });

  it('failed, cancelled and abandoned answers never reach Redis', async () => {
    const a = await replica();
    (await leaderOf(a.cache.lookup('k-failed'))).settle(answer('partial', 'failed'));
    (await leaderOf(a.cache.lookup('k-cancelled'))).settle(answer('partial', 'cancelled'));
    (await leaderOf(a.cache.lookup('k-abandoned'))).settle(undefined);
    // Commands of one connection run in order: once this one is stored, the others would have been.
    (await leaderOf(a.cache.lookup('k-marker'))).settle(answer('marker'));
    await waitFor(async () => (await stored('k-marker')) ?? undefined);
    expect(await raw.exists(...['k-failed', 'k-cancelled', 'k-abandoned'].map((key) => `${redis.prefix}ai:cache:${key}`))).toBe(0);
  });

  it('stores each answer with the cache TTL', async () => {
    const a = await replica({ ttlMs: 90_000 });
    (await leaderOf(a.cache.lookup('k-ttl'))).settle(answer('with ttl'));
    await waitFor(async () => (await stored('k-ttl')) ?? undefined);
    const pttl = await raw.pttl(`${redis.prefix}ai:cache:k-ttl`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(90_000);
  });

  it('does not store an answer above the size limit (it stays in the process)', async () => {
    const a = await replica({ maxAnswerBytes: 400 });
    (await leaderOf(a.cache.lookup('k-big'))).settle(answer('x'.repeat(400)));
    (await leaderOf(a.cache.lookup('k-small'))).settle(answer('small'));
    await waitFor(async () => (await stored('k-small')) ?? undefined);
    expect(await stored('k-big')).toBeNull();
    expect(a.cache.lookup('k-big')).toMatchObject({ kind: 'hit' });
  });

  it('a malformed entry is a miss and is deleted', async () => {
    const a = await replica();
    const key = (name: string) => `${redis.prefix}ai:cache:${name}`;
    await raw.set(key('k-not-json'), '{"v":1,', 'PX', 60_000);
    await raw.set(key('k-wrong-shape'), JSON.stringify({ v: 1, result: { ...answer('no').result, status: 'failed' }, deltas: ['no'] }), 'PX', 60_000);
    await raw.set(key('k-extra'), JSON.stringify({ v: 1, ...answer('yes'), injected: true }), 'PX', 60_000);
    for (const name of ['k-not-json', 'k-wrong-shape', 'k-extra']) {
      const lead = await leaderOf(a.cache.lookup(name));
      lead.settle(undefined);
      await waitFor(async () => ((await raw.exists(key(name))) === 0 ? true : undefined));
    }
  });

  it('identical requests of one process wait for the shared read and the leader (single-flight per process)', async () => {
    const a = await replica();
    const first = a.cache.lookup('k-flight');
    const second = a.cache.lookup('k-flight');
    expect(second).toMatchObject({ kind: 'follower' });
    (await leaderOf(first)).settle(answer('once'));
    expect(await (second as Extract<CacheOutcome, { kind: 'follower' }>).answer).toEqual(answer('once'));
  });

  it('Redis unreachable: every lookup is a miss, and the outage is logged once', async () => {
    const port = await freePort();
    const a = await replica({ url: `redis://127.0.0.1:${port}` });
    await waitFor(() => (a.warnings().length > 0 ? true : undefined));
    for (let attempt = 0; attempt < 5; attempt++) {
      const lead = await leaderOf(a.cache.lookup(`k-down-${attempt}`));
      lead.settle(answer('kept locally'));
      // Let the client fail a few reconnects meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    expect(a.warnings()).toHaveLength(1);
    expect(a.cache.lookup('k-down-0')).toMatchObject({ kind: 'hit' });
  });
});
