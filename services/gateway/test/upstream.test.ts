import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@versaai/kernel';
import { waitFor } from '@versaai/testing';
import { CircuitBreaker } from '../src/upstream/circuit-breaker.ts';
import { createBalancer } from '../src/upstream/balancer.ts';
import { Replica } from '../src/upstream/replica.ts';
import { classifyFailure, isIdempotent } from '../src/upstream/retry-policy.ts';
import { startActiveHealth } from '../src/upstream/active-health.ts';
import { parseGatewayConfig } from '../src/gateway-config.ts';

function clock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, lets one trial through after the cool-down, closes on its success', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000, now: time.now });
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess(); // a success in between resets the count
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.canPass()).toBe(false);
    expect(breaker.remainingCooldownMs()).toBe(1_000);
    time.advance(999);
    expect(breaker.canPass()).toBe(false);
    time.advance(1);
    expect(breaker.state).toBe('half-open');
    expect(breaker.canPass()).toBe(true);
    breaker.onDispatch();
    expect(breaker.canPass()).toBe(false); // only one trial at a time
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.canPass()).toBe(true);
  });

  it('goes back to open for another cool-down when the trial fails', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 500, now: time.now });
    breaker.onFailure();
    time.advance(500);
    breaker.onDispatch();
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.remainingCooldownMs()).toBe(500);
  });

  it('frees the trial slot when the trial ends without a verdict', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 10, now: time.now });
    breaker.onFailure();
    time.advance(10);
    breaker.onDispatch();
    breaker.onNeutral();
    expect(breaker.canPass()).toBe(true);
  });
});

const replicas = (count: number) =>
  Array.from({ length: count }, (_, index) => new Replica('svc', `http://r${index}`, { failureThreshold: 1, cooldownMs: 60_000 }));

describe('balancer', () => {
  it('least-in-flight picks the replica with the fewest calls under way', () => {
    const pool = replicas(3);
    const pick = createBalancer('least-in-flight', pool);
    pool[0]!.inFlight = 2;
    pool[1]!.inFlight = 1;
    pool[2]!.inFlight = 3;
    expect(pick()).toBe(pool[1]);
  });

  it('least-in-flight breaks ties round-robin', () => {
    const pool = replicas(3);
    const pick = createBalancer('least-in-flight', pool);
    expect(Array.from({ length: 6 }, () => pick()!.origin)).toEqual(['http://r0', 'http://r1', 'http://r2', 'http://r0', 'http://r1', 'http://r2']);
  });

  it('round-robin ignores in-flight counts', () => {
    const pool = replicas(2);
    const pick = createBalancer('round-robin', pool);
    pool[0]!.inFlight = 10;
    expect([pick()!.origin, pick()!.origin, pick()!.origin]).toEqual(['http://r0', 'http://r1', 'http://r0']);
  });

  it('skips replicas that are out (breaker open or failing /ready) and those already tried', () => {
    const pool = replicas(3);
    const pick = createBalancer('least-in-flight', pool);
    pool[0]!.breaker.onFailure();
    pool[1]!.healthy = false;
    expect(pick()).toBe(pool[2]);
    expect(pick(new Set([pool[2]!]))).toBeUndefined();
  });

  it('keeps sending when /ready fails on every replica (panic mode), unless their breakers are open', () => {
    const pool = replicas(2);
    const pick = createBalancer('least-in-flight', pool);
    for (const replica of pool) replica.healthy = false;
    expect(pick()).toBeDefined();
    for (const replica of pool) replica.breaker.onFailure();
    expect(pick()).toBeUndefined();
  });

  it('counts a lease in flight until it is released, and judges it once', () => {
    const [replica] = replicas(1);
    const lease = replica!.acquire();
    expect(replica!.inFlight).toBe(1);
    lease.settle('failure');
    lease.settle('success');
    lease.release();
    lease.release();
    expect(replica!.inFlight).toBe(0);
    expect(replica!.breaker.state).toBe('open');
  });
});

describe('retry policy', () => {
  it('retries only idempotent methods', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].every(isIdempotent)).toBe(true);
    expect(isIdempotent('POST')).toBe(false);
    expect(isIdempotent('PATCH')).toBe(false);
  });

  it('tells failures before any response byte from timeouts', () => {
    const wrapped = (code: string) => Object.assign(new Error('wrapped'), { code: 'FST_REPLY_FROM_INTERNAL_SERVER_ERROR', cause: Object.assign(new Error(code), { code }) });
    expect(classifyFailure(wrapped('ECONNREFUSED'))).toBe('connect');
    expect(classifyFailure(wrapped('ECONNRESET'))).toBe('connect');
    expect(classifyFailure(wrapped('UND_ERR_CONNECT_TIMEOUT'))).toBe('connect');
    expect(classifyFailure(new AggregateError([Object.assign(new Error('v6'), { code: 'ECONNREFUSED' })]))).toBe('connect');
    expect(classifyFailure(Object.assign(new Error('t'), { code: 'FST_REPLY_FROM_GATEWAY_TIMEOUT', cause: { code: 'UND_ERR_HEADERS_TIMEOUT' } }))).toBe('timeout');
    expect(classifyFailure(new Error('odd'))).toBe('other');
  });
});

describe('gateway settings', () => {
  it('has defaults and reads GATEWAY_* and CORS_ORIGINS', () => {
    expect(parseGatewayConfig({})).toMatchObject({ corsOrigins: [], docs: true, proxy: { balancer: 'least-in-flight', healthIntervalMs: 5_000 } });
    const config = parseGatewayConfig({
      GATEWAY_BALANCER: 'round-robin', GATEWAY_HEALTH_INTERVAL_MS: '0', GATEWAY_RETRIES: '0',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173/',
    });
    expect(config.proxy).toMatchObject({ balancer: 'round-robin', healthIntervalMs: 0, retries: 0 });
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it('refuses a wildcard or a path in CORS_ORIGINS and an unknown balancer', () => {
    expect(() => parseGatewayConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS must list origins/);
    expect(() => parseGatewayConfig({ CORS_ORIGINS: 'https://a.example/app' })).toThrow(/CORS_ORIGINS/);
    expect(() => parseGatewayConfig({ GATEWAY_BALANCER: 'random' })).toThrow(/GATEWAY_BALANCER must be one of least-in-flight, round-robin/);
  });
});

describe('active health checks', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  it('marks a replica out while /ready fails and back in when it passes, and stops asking when stopped', async () => {
    let ready = true;
    let checks = 0;
    server = createServer((req, res) => {
      if (req.url === '/ready') checks += 1;
      res.statusCode = ready ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const [replica] = [new Replica('svc', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, { failureThreshold: 1, cooldownMs: 1_000 })];
    const health = startActiveHealth({ replicas: [replica!], intervalMs: 20, timeoutMs: 1_000, logger: createLogger({ service: 'test', level: 'silent' }) });
    try {
      ready = false;
      await waitFor(() => (replica!.healthy ? undefined : true), { timeoutMs: 5_000 });
      expect(replica!.available()).toBe(false);
      ready = true;
      await waitFor(() => (replica!.healthy ? true : undefined), { timeoutMs: 5_000 });
    } finally {
      await health.stop();
    }
    const afterStop = checks;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(checks).toBe(afterStop);
  });
});
