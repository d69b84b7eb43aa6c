import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineService, startPlatform, type RunningPlatform } from '@versaai/runtime';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { createGateway, type GatewayRoute } from '../src/index.ts';
import { closedPortUrl } from './upstream-servers.ts';

// Stand-ins with the real services' names and route shapes: a service may not import another.
const auth = defineService({
  name: 'auth',
  migrations: [],
  async routes(app) {
    app.post('/register', {
      schema: {
        body: { type: 'object', required: ['email', 'password'], additionalProperties: false, properties: { email: { type: 'string' }, password: { type: 'string' } } },
        response: { 201: { type: 'object', properties: { id: { type: 'string' } } } },
      },
    }, async (_request, reply) => reply.code(201).send({ id: 'u1' }));
  },
});
const users = defineService({
  name: 'users',
  migrations: [],
  async routes(app) {
    app.get<{ Params: { id: string } }>('/:id', {
      schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } },
    }, async (request) => ({ id: request.params.id }));
    app.get('/admin/users', async () => []);
  },
});

const route = (prefix: string, service: string, extra: Partial<GatewayRoute> = {}): GatewayRoute =>
  ({ prefix, service, auth: 'public', rateLimit: 'standard', bodyLimit: 4096, timeoutMs: 5_000, ...extra });
const table = [
  route('/api/auth/register', 'auth', { rateLimit: 'credentials' }), route('/api/auth', 'auth'), route('/api/users', 'users'),
  route('/api/users/admin', 'users', { auth: 'required', roles: ['admin'] }),
];
const budgets = { credentials: { limit: 100, windowMs: 60_000 }, standard: { limit: 1_000, windowMs: 60_000 } };

const APP_ORIGIN = 'https://app.example.com';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (response: Response): Promise<any> => response.json();

describe('edge plugins (all-in-one)', () => {
  let dataDir: TempDataDir;
  let platform: RunningPlatform;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    platform = await startPlatform({
      services: [auth, users],
      gateway: createGateway(table, budgets),
      env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG ?? 'silent', VERSAAI_DATA_DIR: dataDir.dir, CORS_ORIGINS: `${APP_ORIGIN},http://localhost:5173` },
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await dataDir?.remove();
  });

  it('sets security headers on API responses and on the probes', async () => {
    for (const path of ['/api/users/u1', '/health']) {
      const response = await fetch(`${platform.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('answers a CORS preflight from a configured origin, with credentials', async () => {
    const response = await fetch(`${platform.url}/api/users/u1`, {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('lets the web app read the rate-limit and request-id headers', async () => {
    const response = await fetch(`${platform.url}/api/users/u1`, { headers: { origin: APP_ORIGIN } });
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    const exposed = response.headers.get('access-control-expose-headers')!.toLowerCase();
    for (const header of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after', 'x-request-id']) expect(exposed).toContain(header);
  });

  it('gives no CORS headers to an origin that is not listed', async () => {
    const preflight = await fetch(`${platform.url}/api/users/u1`, {
      method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${platform.url}/api/users/u1`, { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves a valid OpenAPI 3.1 document of every route at /docs/json', async () => {
    const response = await fetch(`${platform.url}/docs/json`);
    expect(response.status).toBe(200);
    const document = await json(response);
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBe('VersaAI API');
    expect(document.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(document.paths['/api/auth/register'].post.requestBody.content['application/json'].schema.required).toEqual(['email', 'password']);
    expect(document.paths['/api/users/{id}'].get.parameters).toEqual([expect.objectContaining({ in: 'path', name: 'id', required: true })]);
    // Operations behind a token carry the bearer requirement, from the route table.
    expect(document.paths['/api/users/admin/users'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths['/api/users/{id}'].get.security).toBeUndefined();
    // The edge's own plumbing stays out of the document.
    expect(Object.keys(document.paths).filter((path) => !path.startsWith('/api/'))).toEqual([]);
  });

  it('serves the Swagger UI at /docs from the package, under its own CSP, without a token', async () => {
    const page = await fetch(`${platform.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('swagger-ui-bundle.js');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const bundle = await fetch(`${platform.url}/docs/static/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    // Read it all: an unread 1 MB body would hold the connection open through the shutdown drain.
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});

describe('edge plugins (distributed gateway)', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform({
      services: [],
      gateway: createGateway(table, budgets),
      separateProcesses: true,
      env: {
        PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', GATEWAY_HEALTH_INTERVAL_MS: '0', AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
        VERSAAI_UPSTREAMS: `auth=${await closedPortUrl()},users=${await closedPortUrl()}`,
      },
    });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('lists each proxied prefix with its service in a valid document', async () => {
    const document = await json(await fetch(`${platform.url}/docs/json`));
    expect((await new Validator().validate(document)).valid).toBe(true);
    expect(Object.keys(document.paths).sort()).toEqual(['/api/auth', '/api/auth/register', '/api/users', '/api/users/admin']);
    expect(document.paths['/api/users']['x-versaai-service']).toBe('users');
  });

  it('sends no CORS headers when CORS_ORIGINS is empty', async () => {
    const response = await fetch(`${platform.url}/health`, { headers: { origin: 'https://app.example.com' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
