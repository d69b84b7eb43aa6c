import { describe, expect, it } from 'vitest';
import { ConfigError } from '@versaai/kernel';
import { parsePlatformConfig } from '../src/index.ts';

describe('parsePlatformConfig', () => {
  it('has embedded defaults for every setting', () => {
    const config = parsePlatformConfig({});
    expect(config).toMatchObject({
      port: 8080, host: '0.0.0.0', dataDir: './data', databaseUrl: undefined, redisUrl: undefined,
      redisPrefix: 'versaai:', logLevel: 'info', shutdownDeadlineMs: 10_000,
      bus: { maxDeliveries: 5, reclaimIdleMs: 30_000, blockMs: 5_000 }, upstreams: {},
    });
  });

  it('names PORT in a one-line error when it is not a port', () => {
    const error = (() => { try { parsePlatformConfig({ PORT: 'abc' }); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/PORT/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('parses one or more replicas per service from VERSAAI_UPSTREAMS', () => {
    const config = parsePlatformConfig({
      VERSAAI_UPSTREAMS: 'auth=http://127.0.0.1:8081|http://127.0.0.1:8091/, users=http://127.0.0.1:8082',
    });
    expect(config.upstreams).toEqual({ auth: ['http://127.0.0.1:8081', 'http://127.0.0.1:8091'], users: ['http://127.0.0.1:8082'] });
  });

  it.each([
    ['auth', /VERSAAI_UPSTREAMS/],
    ['auth=ftp://x', /VERSAAI_UPSTREAMS.*http/],
    ['auth=http://a:1,auth=http://b:2', /twice/],
    ['Auth=http://a:1', /service name/],
  ])('rejects VERSAAI_UPSTREAMS=%s', (value, message) => {
    expect(() => parsePlatformConfig({ VERSAAI_UPSTREAMS: value })).toThrow(message);
  });

  it('reads gateway budget overrides as <requests>/<window>', () => {
    expect(parsePlatformConfig({}).rateLimits).toEqual({});
    expect(parsePlatformConfig({ RATE_LIMIT_CREDENTIALS: '10/60s', RATE_LIMIT_STANDARD: '600 / 1m' }).rateLimits).toEqual({
      credentials: { limit: 10, windowMs: 60_000 }, standard: { limit: 600, windowMs: 60_000 },
    });
    expect(parsePlatformConfig({ RATE_LIMIT_CREDENTIALS: '5/500' }).rateLimits).toEqual({ credentials: { limit: 5, windowMs: 500 } });
  });

  it.each(['10', '0/60s', '10/0s', '10/60x', 'ten/60s'])('rejects RATE_LIMIT_CREDENTIALS=%s in one line', (value) => {
    const error = (() => { try { parsePlatformConfig({ RATE_LIMIT_CREDENTIALS: value }); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/RATE_LIMIT_CREDENTIALS must be <requests>\/<window>/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('requires REDIS_URL when separate processes share PostgreSQL', () => {
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' };
    expect(() => parsePlatformConfig(env, { separateProcesses: true }))
      .toThrow('REDIS_URL is required when services run as separate processes (--service) with PostgreSQL: the embedded bus only works inside one process');
    expect(parsePlatformConfig(env, { separateProcesses: false }).databaseUrl).toBe(env.DATABASE_URL);
    expect(parsePlatformConfig({ ...env, REDIS_URL: 'redis://127.0.0.1:6379' }, { separateProcesses: true }).redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('rejects a REDIS_URL that is not redis://', () => {
    expect(() => parsePlatformConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL/);
  });
});
