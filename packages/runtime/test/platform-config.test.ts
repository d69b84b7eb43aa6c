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
