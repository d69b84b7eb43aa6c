import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineService, startPlatform, type RunningPlatform } from '@versaai/runtime';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { createGateway, type GatewayRoute } from '../src/index.ts';

// A service without tables: the edge's behaviour is what is under test.
const echo = defineService({
  name: 'echo',
  migrations: [],
  async routes(app) {
    app.post('/login', async () => ({ ok: true }));
    app.post('/notes', async (request) => ({ size: JSON.stringify(request.body).length }));
  },
});

const route = (prefix: string, extra: Partial<GatewayRoute>): GatewayRoute =>
  ({ prefix, service: 'echo', auth: 'public', rateLimit: 'standard', bodyLimit: 64 * 1024, timeoutMs: 1_000, ...extra });

const budgets = { credentials: { limit: 2, windowMs: 60_000 }, standard: { limit: 1_000, windowMs: 60_000 } };

describe('gateway in-process (all-in-one)', () => {
  let dataDir: TempDataDir;
  let platform: RunningPlatform;
  const env = () => ({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VERSAAI_DATA_DIR: dataDir.dir });

  beforeAll(async () => {
    dataDir = await tempDataDir();
    const table = [route('/api/echo/login', { rateLimit: 'credentials' }), route('/api/echo', { bodyLimit: 100 })];
    platform = await startPlatform({ services: [echo], gateway: createGateway(table, budgets), env: env() });
  });

  afterAll(async () => {
    await platform?.stop();
    await dataDir?.remove();
  });

  it('applies the body limit of the route table to the mounted routes', async () => {
    expect((await platform.app.inject({ method: 'POST', url: '/api/echo/notes', payload: { text: 'short' } })).statusCode).toBe(200);
    const large = await platform.app.inject({ method: 'POST', url: '/api/echo/notes', payload: { text: 'x'.repeat(200) } });
    expect(large.statusCode).toBe(413);
    expect(large.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('limits a credentials route with 429 RATE_LIMITED and Retry-After', async () => {
    const login = () => platform.app.inject({ method: 'POST', url: '/api/echo/login', payload: {} });
    const first = await login();
    expect(first.statusCode).toBe(200);
    expect(first.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '1' });
    expect(Number(first.headers['ratelimit-reset'])).toBeGreaterThan(0);
    expect(Number(first.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
    expect((await login()).headers['ratelimit-remaining']).toBe('0');
    const limited = await login();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0' });
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The standard class of the same client is untouched.
    expect((await platform.app.inject({ method: 'POST', url: '/api/echo/notes', payload: {} })).statusCode).toBe(200);
  });

  it('refuses to boot when a hosted route is not covered by the route table', async () => {
    const gateway = createGateway([route('/api/echo/login', {})], budgets);
    await expect(startPlatform({ services: [echo], gateway, env: env() })).rejects.toThrow('Route /api/echo/notes is not covered by the gateway route table');
  });
});
