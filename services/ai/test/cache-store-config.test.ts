import { describe, expect, it } from 'vitest';
import { ConfigError } from '@versaai/kernel';
import { parsePipelineConfig } from '../src/worker/pipeline-config.ts';

const REDIS = 'redis://127.0.0.1:6379';

describe('AI_CACHE_STORE', () => {
  it('defaults to redis when REDIS_URL is set, under the deployment prefix', () => {
    expect(parsePipelineConfig({ REDIS_URL: REDIS, VERSAAI_REDIS_PREFIX: 'acme:' }).cache.redis).toEqual({
      url: REDIS, prefix: 'acme:', commandTimeoutMs: 250, maxAnswerBytes: 256 * 1024,
    });
  });

  it('defaults to memory without REDIS_URL', () => {
    expect(parsePipelineConfig({}).cache.redis).toBeUndefined();
  });

  it('memory keeps answers in the process even with REDIS_URL', () => {
    expect(parsePipelineConfig({ REDIS_URL: REDIS, AI_CACHE_STORE: 'memory' }).cache.redis).toBeUndefined();
  });

  it('reads the size limit and the command timeout', () => {
    const { cache } = parsePipelineConfig({ REDIS_URL: REDIS, AI_CACHE_MAX_ANSWER_BYTES: '1024', AI_CACHE_REDIS_TIMEOUT: '50ms' });
    expect(cache.redis).toMatchObject({ maxAnswerBytes: 1024, commandTimeoutMs: 50 });
  });

  it.each([
    { AI_CACHE_STORE: 'redis' },
    { AI_CACHE_STORE: 'memcached', REDIS_URL: REDIS },
    { AI_CACHE_MAX_ANSWER_BYTES: '0', REDIS_URL: REDIS },
    { AI_CACHE_REDIS_TIMEOUT: '0', REDIS_URL: REDIS },
    { REDIS_URL: 'http://127.0.0.1:6379' },
  ])('refuses %o', (env) => {
    expect(() => parsePipelineConfig(env)).toThrow(ConfigError);
  });
});
