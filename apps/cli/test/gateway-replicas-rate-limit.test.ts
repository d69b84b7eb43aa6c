import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedisPrefix, requireService, waitFor, type TestRedisPrefix } from '@versaai/testing';
import { CLEAN_ENV, freePort, runCli, terminate, type RunningCli } from './processes.ts';

const available = await requireService('redis', 'rate limit shared by gateway replicas');

const CREDENTIALS_LIMIT = 3;

/** Stands in for the auth and users services: the edge's counting is what is under test. */
async function startFakeUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const known = request.url === '/ready' || request.url?.startsWith('/api/auth/') || request.url?.startsWith('/api/users/');
      response.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: known }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

// The LiteLLM bug class: per-replica counters multiply a limit by the replica count.
describe.skipIf(!available)('two gateway processes share one rate-limit budget through Redis', () => {
  let redis: TestRedisPrefix;
  let upstream: { server: Server; url: string };
  const gateways: RunningCli[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    redis = createTestRedisPrefix();
    upstream = await startFakeUpstream();
    for (const name of ['gateway-1', 'gateway-2']) {
      const port = await freePort();
      urls.push(`http://127.0.0.1:${port}`);
      gateways.push(runCli(name, ['start', '--service', 'gateway'], {
        ...CLEAN_ENV,
        HOST: '127.0.0.1',
        PORT: String(port),
        REDIS_URL: redis.url,
        VERSAAI_REDIS_PREFIX: redis.prefix,
        VERSAAI_UPSTREAMS: `auth=${upstream.url},users=${upstream.url},chat=${upstream.url},ai=${upstream.url}`,
        // An hour-long window: nothing refills while the test runs.
        RATE_LIMIT_CREDENTIALS: `${CREDENTIALS_LIMIT}/1h`,
      }));
    }
    // Ready, and the limiter answers (a standard-class request carries RateLimit headers), so
    // no request below can pass uncounted while a gateway is still connecting to Redis.
    await waitFor(async () => {
      // A public route of the standard class: no token needed, and the credentials budget stays untouched.
      const answers = await Promise.all(urls.map((url) => fetch(`${url}/api/auth/refresh`, { method: 'POST' }).catch(() => undefined)));
      return answers.every((answer) => answer?.status === 200 && answer.headers.has('ratelimit-limit')) ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 }).catch((error: Error) => {
      throw new Error(`${error.message}\n${gateways.map((g) => `--- ${g.name}\n${g.output()}`).join('\n')}`);
    });
  }, 90_000);

  afterAll(async () => {
    await Promise.all(gateways.map(terminate));
    await new Promise((resolve) => upstream?.server.close(resolve));
    await redis?.cleanup();
  }, 60_000);

  it('allows exactly the limit in total across both gateways, then answers 429 with Retry-After', async () => {
    const answers = [];
    for (let i = 0; i < 10; i++) {
      const response = await fetch(`${urls[i % 2]}/api/auth/register`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
      });
      answers.push({ status: response.status, headers: response.headers, body: await response.json() as Record<string, unknown> });
    }
    const context = gateways.map((g) => `--- ${g.name}\n${g.output()}`).join('\n');
    expect(answers.map((answer) => answer.status), context).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    expect(answers.slice(0, 3).map((answer) => answer.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0']);
    for (const limited of answers.slice(3)) {
      expect(limited.headers.get('content-type')).toContain('application/problem+json');
      expect(limited.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.headers.get('ratelimit-limit')).toBe(String(CREDENTIALS_LIMIT));
    }
    // Both gateways denied as well as allowed: neither kept a budget of its own.
    expect(answers.filter((answer, i) => answer.status === 429 && i % 2 === 0)).not.toHaveLength(0);
    expect(answers.filter((answer, i) => answer.status === 429 && i % 2 === 1)).not.toHaveLength(0);
  });

  it('keeps the counter in Redis under the prefix, with an expiry', async () => {
    const client = new Redis(redis.url);
    try {
      const pttl = await client.pttl(`${redis.prefix}ratelimit:credentials:ip:127.0.0.1`);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(60 * 60_000);
    } finally {
      await client.quit();
    }
  });

  it('stops both gateways with exit code 0 on SIGTERM', async () => {
    const exits = await Promise.all(gateways.map(terminate));
    for (const [index, exit] of exits.entries()) expect(exit, gateways[index]!.output()).toEqual({ code: 0, signal: null });
  }, 60_000);
});
