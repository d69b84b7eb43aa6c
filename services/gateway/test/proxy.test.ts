import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import { createGateway, type GatewayRoute } from '../src/index.ts';

// A gateway process that hosts no service: everything under /api goes to upstreams.
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (response: Response): Promise<any> => response.json();

const table: GatewayRoute[] = [
  { prefix: '/api/echo/login', service: 'echo', auth: 'public', rateLimit: 'credentials', bodyLimit: 1024, timeoutMs: 5_000 },
  { prefix: '/api/echo', service: 'echo', auth: 'public', rateLimit: 'standard', bodyLimit: 1024, timeoutMs: 5_000 },
  { prefix: '/api/slow', service: 'slow', auth: 'public', rateLimit: 'standard', bodyLimit: 1024, timeoutMs: 200 },
  { prefix: '/api/down', service: 'down', auth: 'public', rateLimit: 'standard', bodyLimit: 1024, timeoutMs: 5_000 },
];

describe('gateway proxy (distributed topology)', () => {
  const echoServers: Server[] = [];
  const heldResponses: Array<() => void> = [];
  let slow: Server;
  let platform: RunningPlatform;

  beforeAll(async () => {
    // Two replicas that answer with their own name, the request they saw and the ids the gateway passed on.
    const echoUrls: string[] = [];
    for (const replica of ['echo-1', 'echo-2']) {
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => { body += chunk; });
        req.on('end', () => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ replica, method: req.method, url: req.url, body, requestId: req.headers['x-request-id'], correlationId: req.headers['x-correlation-id'] }));
        });
      });
      echoServers.push(server);
      echoUrls.push(await listen(server));
    }
    // Accepts the request and never answers until the test ends.
    slow = createServer((_req, res) => { heldResponses.push(() => res.end()); });
    const slowUrl = await listen(slow);
    const upstreams = `echo=${echoUrls.join('|')},slow=${slowUrl},down=${await closedPortUrl()}`;
    platform = await startPlatform({
      services: [],
      gateway: createGateway(table, { credentials: { limit: 1, windowMs: 60_000 }, standard: { limit: 1_000, windowMs: 60_000 } }),
      separateProcesses: true,
      env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VERSAAI_UPSTREAMS: upstreams },
    });
  });

  afterAll(async () => {
    for (const release of heldResponses) release();
    await platform?.stop();
    for (const server of [...echoServers, slow]) server?.closeAllConnections();
    await Promise.all([...echoServers, slow].filter(Boolean).map((server) => new Promise((resolve) => server.close(resolve))));
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

  it('spreads requests over the replicas round-robin', async () => {
    const replicas: string[] = [];
    for (let i = 0; i < 4; i++) replicas.push((await json(await fetch(`${platform.url}/api/echo`))).replica);
    expect(replicas.filter((name) => name === 'echo-1')).toHaveLength(2);
    expect(replicas.filter((name) => name === 'echo-2')).toHaveLength(2);
  });

  it('answers 502 UPSTREAM_UNAVAILABLE as problem+json when the upstream refuses connections', async () => {
    const response = await fetch(`${platform.url}/api/down/anything`);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = await json(response);
    expect(body).toMatchObject({ status: 502, code: 'UPSTREAM_UNAVAILABLE', instance: '/api/down/anything' });
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
  });

  it('answers 504 UPSTREAM_TIMEOUT when the upstream does not answer within the route timeout', async () => {
    const response = await fetch(`${platform.url}/api/slow`);
    expect(response.status).toBe(504);
    expect((await json(response)).code).toBe('UPSTREAM_TIMEOUT');
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
