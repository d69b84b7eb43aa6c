import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import { waitFor } from '@versaai/testing';
import { createGateway, type GatewayRoute } from '../src/index.ts';
import { closedPortUrl, startSelfSignedHttps, startUpstream, type TestUpstream } from './upstream-servers.ts';

/** node:http, because fetch normalizes `..` away and refuses hop-by-hop headers. */
function rawRequest(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { host, pathname } = new URL(url);
  const path = url.slice(url.indexOf(pathname.split('/')[1]!) - 1);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: host.split(':')[0], port: Number(host.split(':')[1]), path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (response: Response): Promise<any> => response.json();

const route = (prefix: string, service: string, extra: Partial<GatewayRoute> = {}): GatewayRoute =>
  ({ prefix, service, auth: 'public', rateLimit: 'standard', bodyLimit: 1024, timeoutMs: 5_000, ...extra });

// Every scenario has its own service, so each one starts from fresh breakers and balancer.
const table: GatewayRoute[] = [
  route('/api/echo/login', 'echo', { rateLimit: 'credentials' }),
  route('/api/echo', 'echo'),
  route('/api/slow', 'slow', { timeoutMs: 200 }),
  route('/api/down', 'down'),
  route('/api/retry', 'retry'),
  route('/api/nopost', 'nopost'),
  route('/api/breaker', 'breaker'),
  route('/api/gone', 'gone'),
  route('/api/tls', 'tls'),
];

const baseEnv = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json' };

/** The gateway process of the distributed topology: hosts no service, everything under /api goes to upstreams. */
async function startGateway(routes: GatewayRoute[], upstreams: Record<string, string[]>, env: Record<string, string>): Promise<RunningPlatform> {
  return startPlatform({
    services: [],
    gateway: createGateway(routes, { credentials: { limit: 1, windowMs: 60_000 }, standard: { limit: 10_000, windowMs: 60_000 } }),
    separateProcesses: true,
    env: { ...baseEnv, ...env, VERSAAI_UPSTREAMS: Object.entries(upstreams).map(([service, urls]) => `${service}=${urls.join('|')}`).join(',') },
  });
}

describe('gateway proxy, passive health (distributed topology)', () => {
  const servers: TestUpstream[] = [];
  let echo: TestUpstream[];
  let slow: TestUpstream;
  let retryLive: TestUpstream;
  let nopostLive: TestUpstream;
  let breakerFlaky: TestUpstream;
  let breakerLive: TestUpstream;
  let platform: RunningPlatform;
  let tls: Awaited<ReturnType<typeof startSelfSignedHttps>>;
  const up = async (name: string) => {
    const server = await startUpstream(name);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    echo = [await up('echo-1'), await up('echo-2')];
    slow = await up('slow');
    retryLive = await up('retry-live');
    nopostLive = await up('nopost-live');
    breakerFlaky = await up('breaker-flaky');
    breakerLive = await up('breaker-live');
    tls = await startSelfSignedHttps();
    platform = await startGateway(table, {
      echo: echo.map((server) => server.url),
      slow: [slow.url],
      down: [await closedPortUrl()],
      // The dead replica is first: a fresh balancer tries it first.
      retry: [await closedPortUrl(), retryLive.url],
      nopost: [await closedPortUrl(), nopostLive.url],
      breaker: [breakerFlaky.url, breakerLive.url],
      gone: [await closedPortUrl(), await closedPortUrl()],
      tls: [tls.url],
    }, {
      // Passive health alone here; the active checks have their own suite below.
      GATEWAY_HEALTH_INTERVAL_MS: '0',
      GATEWAY_BREAKER_FAILURES: '2',
      GATEWAY_BREAKER_COOLDOWN_MS: '2s',
    });
  });

  afterAll(async () => {
    for (const server of servers) for (const release of server.held) release();
    await platform?.stop();
    await Promise.all(servers.map((server) => server.stop().catch(() => {})));
    await tls?.close();
  });

  it('forwards method, path, query and JSON body, with the request and correlation ids', async () => {
    const response = await fetch(`${platform.url}/api/echo/things?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'corr-123' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(response.status).toBe(200);
    const seen = await json(response);
    expect(seen).toMatchObject({ method: 'POST', url: '/api/echo/things?x=1', body: '{"a":1}', correlationId: 'corr-123' });
    expect(seen.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('forwards end-to-end headers only: hop-by-hop and Connection-listed ones stay here, Host names the upstream', async () => {
    const answer = await rawRequest(`${platform.url}/api/echo/headers`, {
      connection: 'keep-alive, x-hop', 'x-hop': 'secret', 'x-end': 'kept', te: 'trailers', 'x-forwarded-for': '6.6.6.6', 'x-request-id': 'forged',
    });
    expect(answer.status).toBe(200);
    const seen = JSON.parse(answer.body);
    expect(seen.headers).toMatchObject({ 'x-end': 'kept', host: new URL(seen.replica === 'echo-1' ? echo[0]!.url : echo[1]!.url).host, 'x-forwarded-for': '127.0.0.1' });
    expect(seen.headers).not.toHaveProperty('x-hop');
    expect(seen.headers).not.toHaveProperty('te');
    expect(answer.headers['x-request-id']).toBe(seen.requestId);
  });

  it('forwards a body of a content type the gateway does not parse as it came', async () => {
    const response = await fetch(`${platform.url}/api/echo/raw`, { method: 'PUT', headers: { 'content-type': 'text/csv; charset=utf-8' }, body: 'a,b\n1,2' });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ method: 'PUT', body: 'a,b\n1,2', headers: { 'content-type': 'text/csv; charset=utf-8', 'content-length': '7' } });
  });

  it('cancels the call to the replica when the client goes away before the answer', async () => {
    const closedEarly = () => echo[0]!.closedEarly + echo[1]!.closedEarly;
    const before = closedEarly();
    const controller = new AbortController();
    const pending = fetch(`${platform.url}/api/echo/hold/cancelled`, { signal: controller.signal }).catch(() => undefined);
    await waitFor(async () => (echo.some((server) => server.held.length > 0) ? true : undefined), { timeoutMs: 5_000, intervalMs: 10 });
    controller.abort();
    await pending;
    await waitFor(async () => (closedEarly() > before ? true : undefined), { timeoutMs: 5_000, intervalMs: 10 });
    for (const server of echo) for (const release of server.held.splice(0)) release();
  });

  it('refuses a path with a ".." segment, encoded or not, before any replica sees it', async () => {
    const seenBefore = echo[0]!.seen.length + echo[1]!.seen.length;
    for (const path of ['/api/echo/../auth/keys', '/api/echo/%2e%2e/auth/keys', '/api/echo/a/..%2Fb']) {
      const answer = await rawRequest(`${platform.url}${path}`);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(echo[0]!.seen.length + echo[1]!.seen.length).toBe(seenBefore);
    // Dots elsewhere are fine.
    expect((await rawRequest(`${platform.url}/api/echo/v1.2/..hidden?next=../x`)).status).toBe(200);
  });

  it('streams an answer without content-length as it comes, and answers 502 when a sized body breaks off', async () => {
    const response = await fetch(`${platform.url}/api/slow/stream`);
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    // The first chunk arrives while the upstream still holds the rest back.
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first\n');
    for (const release of slow.held.splice(0)) release();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('last\n');

    const broken = await fetch(`${platform.url}/api/slow/broken`);
    expect(broken.status).toBe(502);
    expect(broken.headers.get('content-type')).toContain('application/problem+json');
    expect(await broken.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  it('spreads idle requests over the replicas in turn', async () => {
    const replicas: string[] = [];
    for (let i = 0; i < 4; i++) replicas.push((await json(await fetch(`${platform.url}/api/echo`))).replica);
    expect(replicas.filter((name) => name === 'echo-1')).toHaveLength(2);
    expect(replicas.filter((name) => name === 'echo-2')).toHaveLength(2);
  });

  it('sends requests to the replica with fewer calls in flight (least-in-flight)', async () => {
    const held = fetch(`${platform.url}/api/echo/hold`);
    const busy = await waitFor(() => echo.find((server) => server.held.length > 0));
    const replicas: string[] = [];
    for (let i = 0; i < 4; i++) replicas.push((await json(await fetch(`${platform.url}/api/echo/fast`))).replica);
    expect(replicas).toEqual(Array(4).fill(busy.name === 'echo-1' ? 'echo-2' : 'echo-1'));
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    expect(metrics).toContain(`versaai_gateway_upstream_in_flight{service="echo",replica="${busy.url}"} 1`);
    busy.held.shift()!();
    expect((await json(await held)).replica).toBe(busy.name);
    // A call leaves the count once its answer has been relayed.
    await waitFor(async () => {
      const text = await (await fetch(`${platform.url}/metrics`)).text();
      return echo.every((server) => text.includes(`versaai_gateway_upstream_in_flight{service="echo",replica="${server.url}"} 0`)) ? true : undefined;
    });
  });

  it('retries an idempotent request on another replica when the connection is refused', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const response = await fetch(`${platform.url}/api/retry/item`, { method });
      expect(response.status).toBe(200);
      expect((await json(response)).replica).toBe('retry-live');
    }
  });

  it('never retries a POST: the client gets 502 and no other replica sees it', async () => {
    const response = await fetch(`${platform.url}/api/nopost/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(response)).toMatchObject({ status: 502, code: 'UPSTREAM_UNAVAILABLE' });
    expect(nopostLive.seen).toEqual([]);
  });

  it('answers 502 UPSTREAM_UNAVAILABLE without the upstream address when the only replica refuses', async () => {
    const response = await fetch(`${platform.url}/api/down/anything`, { method: 'POST' });
    expect(response.status).toBe(502);
    const body = await json(response);
    expect(body).toMatchObject({ status: 502, code: 'UPSTREAM_UNAVAILABLE', instance: '/api/down/anything' });
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
  });

  it('answers 504 UPSTREAM_TIMEOUT when the upstream does not answer within the route timeout', async () => {
    const response = await fetch(`${platform.url}/api/slow/hold`);
    expect(response.status).toBe(504);
    expect((await json(response)).code).toBe('UPSTREAM_TIMEOUT');
  });

  it('takes a failing replica out after N failures and brings it back after the cool-down', async () => {
    await breakerFlaky.stop();
    const statuses: number[] = [];
    // POSTs are not retried, so the failures reach the client until the breaker opens (2 failures).
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${platform.url}/api/breaker/x`, { method: 'POST' })).status);
    expect(statuses.filter((status) => status === 502)).toHaveLength(2);
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    expect(metrics).toContain(`versaai_gateway_upstream_breaker_state{service="breaker",replica="${breakerFlaky.url}"} 2`);
    // Open: every request goes to the live replica.
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${platform.url}/api/breaker/x`, { method: 'POST' });
      expect(response.status).toBe(200);
      expect((await json(response)).replica).toBe('breaker-live');
    }
    await breakerFlaky.start();
    // After the cool-down one trial request reaches it; its success closes the breaker.
    await waitFor(async () => {
      const response = await fetch(`${platform.url}/api/breaker/x`, { method: 'POST' });
      return (await json(response)).replica === 'breaker-flaky' ? true : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100 });
    expect(await (await fetch(`${platform.url}/metrics`)).text())
      .toContain(`versaai_gateway_upstream_breaker_state{service="breaker",replica="${breakerFlaky.url}"} 0`);
  });

  it('answers 503 UPSTREAM_UNAVAILABLE with Retry-After once every replica is out', async () => {
    const response = await waitFor(async () => {
      const attempt = await fetch(`${platform.url}/api/gone/x`);
      if (attempt.status === 503) return attempt;
      expect(attempt.status).toBe(502);
      return undefined;
    }, { timeoutMs: 10_000 });
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(response)).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
  });

  it('checks the certificate of an https upstream (a self-signed one is refused)', async () => {
    const response = await fetch(`${platform.url}/api/tls/x`, { method: 'POST' });
    expect(response.status).toBe(502);
    expect((await json(response)).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(tls.hits()).toBe(0);
  });

  it('counts upstream calls by service and outcome', async () => {
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    expect(metrics).toMatch(/versaai_gateway_upstream_requests_total\{service="retry",outcome="connect_error"\} [1-9]/);
    expect(metrics).toMatch(/versaai_gateway_upstream_requests_total\{service="retry",outcome="ok"\} [1-9]/);
  });

  it('applies the route body limit before proxying', async () => {
    const response = await fetch(`${platform.url}/api/echo`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ big: 'x'.repeat(2_000) }),
    });
    expect(response.status).toBe(413);
  });

  it('rate-limits proxied routes at the edge, before the upstream is called', async () => {
    expect((await fetch(`${platform.url}/api/echo/login`, { method: 'POST' })).status).toBe(200);
    const limited = await fetch(`${platform.url}/api/echo/login`, { method: 'POST' });
    expect(limited.status).toBe(429);
    expect((await json(limited)).code).toBe('RATE_LIMITED');
  });

  it('answers paths outside the route table itself with 404 NOT_FOUND', async () => {
    const response = await fetch(`${platform.url}/api/elsewhere`);
    expect(response.status).toBe(404);
    expect((await json(response)).code).toBe('NOT_FOUND');
  });
});

describe('gateway proxy, active health checks on /ready', () => {
  let replicas: TestUpstream[];
  let platform: RunningPlatform;

  beforeAll(async () => {
    replicas = [await startUpstream('probe-1'), await startUpstream('probe-2')];
    platform = await startGateway([route('/api/probe', 'probe')], { probe: replicas.map((server) => server.url) }, { GATEWAY_HEALTH_INTERVAL_MS: '50ms' });
  });

  afterAll(async () => {
    await platform?.stop();
    await Promise.all((replicas ?? []).map((server) => server.stop().catch(() => {})));
  });

  const servedBy = async (): Promise<string[]> => {
    const names: string[] = [];
    for (let i = 0; i < 4; i++) names.push((await json(await fetch(`${platform.url}/api/probe`))).replica);
    return names;
  };

  it('takes a replica out while its /ready fails and puts it back when it passes', async () => {
    expect(new Set(await servedBy())).toEqual(new Set(['probe-1', 'probe-2']));
    replicas[0]!.ready = false;
    await waitFor(async () => ((await servedBy()).every((name) => name === 'probe-2') ? true : undefined), { intervalMs: 50 });
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    expect(metrics).toContain(`versaai_gateway_upstream_healthy{service="probe",replica="${replicas[0]!.url}"} 0`);
    replicas[0]!.ready = true;
    await waitFor(async () => ((await servedBy()).includes('probe-1') ? true : undefined), { intervalMs: 50 });
  });

  it('stops asking /ready when the gateway closes', async () => {
    await platform.stop();
    const checks = replicas[0]!.readyChecks;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(replicas[0]!.readyChecks).toBe(checks);
  });
});
