import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHttpApp, createLogger, createMetrics, problem, requestContext } from '../src/index.ts';
import type { HttpAppOptions, Logger, RequestContext } from '../src/index.ts';
import { MemoryDestination } from './support/memory-destination.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function build(overrides: Partial<HttpAppOptions> = {}, level = 'debug') {
  const destination = new MemoryDestination();
  const logger = createLogger({ service: 'test', destination, level });
  const app = createHttpApp({ service: 'test', logger, metrics: createMetrics(), ...overrides });
  apps.push(app);
  return { app, destination };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('request and correlation ids', () => {
  it('generates a UUIDv7 request id and echoes it', async () => {
    const { app } = build();
    const response = await app.inject({ method: 'GET', url: '/health' });
    const requestId = response.headers['x-request-id'];
    expect(requestId).toMatch(UUID_V7);
    expect(response.headers['x-correlation-id']).toBe(requestId);
  });

  it('keeps a sane incoming id and replaces an unsafe one', async () => {
    const { app } = build();
    const kept = await app.inject({ url: '/health', headers: { 'x-request-id': 'edge-1:abc.DEF_9', 'x-correlation-id': 'flow-7' } });
    expect(kept.headers['x-request-id']).toBe('edge-1:abc.DEF_9');
    expect(kept.headers['x-correlation-id']).toBe('flow-7');
    for (const unsafe of ['a'.repeat(129), 'has space', 'x"}{', 'line\u2028break']) {
      const replaced = await app.inject({ url: '/health', headers: { 'x-request-id': unsafe } });
      expect(replaced.headers['x-request-id']).toMatch(UUID_V7);
    }
  });

  it('binds requestId and correlationId on request.log', async () => {
    const { app, destination } = build();
    app.get('/api/things', async (request) => {
      request.log.info({ marker: 'in-handler' }, 'handling');
      return { ok: true };
    });
    await app.inject({ url: '/api/things', headers: { 'x-request-id': 'req-42', 'x-correlation-id': 'corr-42' } });
    const entry = destination.entries().find((line) => line.marker === 'in-handler');
    expect(entry).toMatchObject({ requestId: 'req-42', correlationId: 'corr-42', service: 'test' });
    const completed = destination.entries().find((line) => line.msg === 'request completed');
    expect(completed).toMatchObject({ requestId: 'req-42', correlationId: 'corr-42' });
  });

  it('binds the ids on every enabled level, its children and route log levels, when the process logs at warn', async () => {
    const { app, destination } = build({}, 'warn');
    app.get('/api/quiet', async (request) => {
      request.log.info({ marker: 'hidden' }, 'below the level');
      request.log.warn({ marker: 'shown' }, 'at the level');
      request.log.child({ step: 'inner' }).error({ marker: 'child' }, 'from a child');
      const log = request.log as Logger;
      return { level: log.level, info: log.isLevelEnabled('info'), bindings: log.bindings() };
    });
    app.get('/api/chatty', { logLevel: 'info' }, async (request) => {
      request.log.info({ marker: 'route-level' }, 'route logs at info');
      return {};
    });
    const response = await app.inject({ url: '/api/quiet', headers: { 'x-request-id': 'req-7', 'x-correlation-id': 'corr-7' } });
    expect(response.json()).toMatchObject({ level: 'warn', info: false, bindings: { component: 'http', requestId: 'req-7', correlationId: 'corr-7' } });
    await app.inject({ url: '/api/chatty', headers: { 'x-request-id': 'req-8' } });
    const byMarker = (marker: string) => destination.entries().find((line) => line.marker === marker);
    expect(byMarker('hidden')).toBeUndefined();
    expect(byMarker('shown')).toMatchObject({ level: 'warn', requestId: 'req-7', correlationId: 'corr-7', service: 'test' });
    expect(byMarker('child')).toMatchObject({ level: 'error', requestId: 'req-7', correlationId: 'corr-7', step: 'inner' });
    expect(byMarker('route-level')).toMatchObject({ level: 'info', requestId: 'req-8', correlationId: 'req-8' });
    // A level changed at run time applies to the next requests.
    app.log.level = 'info';
    await app.inject({ url: '/api/quiet', headers: { 'x-request-id': 'req-9' } });
    expect(destination.entries().find((line) => line.marker === 'hidden' && line.requestId === 'req-9')).toMatchObject({ level: 'info' });
  });
});

describe('request context', () => {
  function contextRoutes(app: FastifyInstance) {
    app.get('/ctx', async () => {
      await tick();
      return requestContext.get() ?? null;
    });
    app.post('/ctx', { schema: { body: { type: 'object' } } }, async () => {
      await tick();
      return requestContext.get() ?? null;
    });
  }

  it('is visible in handlers after awaits, for GET and POST with a body, without mixing requests', async () => {
    const { app } = build();
    contextRoutes(app);
    const responses = await Promise.all(Array.from({ length: 10 }, (_unused, index) => app.inject({
      method: index % 2 === 0 ? 'GET' : 'POST',
      url: '/ctx',
      headers: { 'x-request-id': `r-${index}`, 'x-correlation-id': `c-${index}` },
      ...(index % 2 === 0 ? {} : { payload: { n: index } }),
    })));
    responses.forEach((response, index) => {
      expect(response.json<RequestContext>()).toEqual({ requestId: `r-${index}`, correlationId: `c-${index}` });
    });
    expect(requestContext.get()).toBeUndefined();
  });

  it('is visible to hooks that services add, and over a real socket with a streamed JSON body', async () => {
    const { app } = build();
    const seenByHooks: Array<RequestContext | undefined> = [];
    app.addHook('onRequest', async () => { await tick(); seenByHooks.push(requestContext.get()); });
    app.addHook('preHandler', async () => { seenByHooks.push(requestContext.get()); });
    contextRoutes(app);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${url}/ctx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'sock-1' },
      body: JSON.stringify({ big: 'x'.repeat(200_000) }),
    });
    expect(await response.json()).toEqual({ requestId: 'sock-1', correlationId: 'sock-1' });
    expect(seenByHooks).toEqual([{ requestId: 'sock-1', correlationId: 'sock-1' }, { requestId: 'sock-1', correlationId: 'sock-1' }]);
  });
});

describe('problem+json errors', () => {
  function errorRoutes(app: FastifyInstance) {
    app.post('/api/users', {
      schema: {
        body: {
          type: 'object', required: ['email'], additionalProperties: false,
          properties: { email: { type: 'string', format: 'email' }, age: { type: 'integer', minimum: 0 } },
        },
      },
    }, async () => ({ created: true }));
    app.get('/api/conflict', async () => {
      throw problem.conflict('USER_EXISTS', 'That user exists.', { field: 'email' });
    });
    app.get('/api/crash', async () => {
      throw new Error('connect ECONNREFUSED postgres://app:topsecret@db/app');
    });
  }

  async function expectProblem(response: Awaited<ReturnType<FastifyInstance['inject']>>, status: number, code: string) {
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = response.json<Record<string, unknown>>();
    expect(body).toMatchObject({ status, code, type: `https://versaai.dev/problems/${code.toLowerCase().replace(/_/g, '-')}` });
    expect(typeof body.title).toBe('string');
    expect(body.requestId).toBe(response.headers['x-request-id']);
    expect(typeof body.instance).toBe('string');
    return body;
  }

  it('maps schema validation failures to 400 VALIDATION_FAILED with errors', async () => {
    const { app } = build();
    errorRoutes(app);
    const response = await app.inject({ method: 'POST', url: '/api/users', payload: { age: -1 } });
    const body = await expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(body.instance).toBe('/api/users');
    const errors = body.errors as Array<{ path: string; message: string }>;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((error) => error.path === 'body.email' || error.path === 'body.age')).toBe(true);
    for (const error of errors) expect(typeof error.message).toBe('string');
  });

  it('maps malformed JSON to 400 INVALID_JSON', async () => {
    const { app } = build();
    errorRoutes(app);
    const response = await app.inject({
      method: 'POST', url: '/api/users', headers: { 'content-type': 'application/json' }, payload: '{"email":',
    });
    await expectProblem(response, 400, 'INVALID_JSON');
  });

  it('validates bodies as sent (unknown fields and wrong types → 400) and coerces only the query string', async () => {
    const { app } = build();
    app.post('/api/things', {
      schema: {
        body: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', format: 'email' }, size: { type: 'integer' } } },
        querystring: { type: 'object', properties: { limit: { type: 'integer' } } },
      },
    }, async (request) => ({ body: request.body, query: request.query }));
    const post = (payload: unknown, url = '/api/things') => app.inject({ method: 'POST', url, payload: payload as object });
    expect((await post({ name: 'a@b.test', size: 2 })).statusCode).toBe(200);
    for (const wrong of [{ name: 'a@b.test', nmae: 'typo' }, { size: '2' }, { name: 5 }, { name: 'not-an-email' }]) {
      const response = await post(wrong);
      await expectProblem(response, 400, 'VALIDATION_FAILED');
    }
    const coerced = await post({ size: 1 }, '/api/things?limit=5');
    expect(coerced.json()).toEqual({ body: { size: 1 }, query: { limit: 5 } });
  });

  it('refuses a JSON body that is not valid UTF-8 with 400 INVALID_UTF8, instead of storing U+FFFD', async () => {
    const { app } = build();
    let reached = false;
    app.post('/api/names', { schema: { body: { type: 'object', properties: { name: { type: 'string' } } } } }, async () => {
      reached = true;
      return {};
    });
    const broken = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    const response = await app.inject({ method: 'POST', url: '/api/names', headers: { 'content-type': 'application/json' }, payload: broken });
    await expectProblem(response, 400, 'INVALID_UTF8');
    expect(reached).toBe(false);
    const valid = await app.inject({ method: 'POST', url: '/api/names', payload: { name: 'José 🙂' } });
    expect(valid.statusCode).toBe(200);
  });

  it('refuses prototype-pollution keys with 400 INVALID_JSON', async () => {
    const { app } = build();
    errorRoutes(app);
    for (const payload of ['{"email":"a@b.test","__proto__":{"admin":true}}', '{"email":"a@b.test","constructor":{"prototype":{"admin":true}}}']) {
      const response = await app.inject({ method: 'POST', url: '/api/users', headers: { 'content-type': 'application/json' }, payload });
      await expectProblem(response, 400, 'INVALID_JSON');
    }
  });

  it('maps a body over the limit to 413 PAYLOAD_TOO_LARGE', async () => {
    const { app } = build({ bodyLimit: 64 });
    errorRoutes(app);
    const response = await app.inject({ method: 'POST', url: '/api/users', payload: { email: `${'a'.repeat(100)}@x.test` } });
    await expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('maps an unsupported content type to 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const { app } = build();
    errorRoutes(app);
    const response = await app.inject({
      method: 'POST', url: '/api/users', headers: { 'content-type': 'application/xml' }, payload: '<email/>',
    });
    await expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a NUL byte in the path or the query with 400 INVALID_REQUEST_TARGET before any route sees it', async () => {
    const { app } = build();
    let reached = 0;
    app.get('/items/:id', async () => ({ reached: ++reached }));
    for (const url of ['/items/abc%00def', '/items/abc?q=x%00']) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().code).toBe('INVALID_REQUEST_TARGET');
    }
    expect(reached).toBe(0);
    // An escaped percent sign followed by zeros is ordinary text.
    expect((await app.inject({ url: '/items/100%2500' })).statusCode).toBe(200);
  });

  it('maps unknown routes to 404 NOT_FOUND without the query string in instance', async () => {
    const { app } = build();
    const response = await app.inject({ url: '/api/nope?token=abc' });
    const body = await expectProblem(response, 404, 'NOT_FOUND');
    expect(body.instance).toBe('/api/nope');
    expect(response.body).not.toContain('token');
  });

  it('renders thrown ProblemErrors with their code, detail and extensions', async () => {
    const { app } = build();
    errorRoutes(app);
    const body = await expectProblem(await app.inject({ url: '/api/conflict' }), 409, 'USER_EXISTS');
    expect(body).toMatchObject({ detail: 'That user exists.', field: 'email', title: 'Conflict' });
  });

  it('hides unknown errors behind 500 INTERNAL_ERROR and logs them without secrets', async () => {
    const { app, destination } = build();
    errorRoutes(app);
    const response = await app.inject({ url: '/api/crash' });
    const body = await expectProblem(response, 500, 'INTERNAL_ERROR');
    expect(body.detail).toBeUndefined();
    expect(body.stack).toBeUndefined();
    expect(body.message).toBeUndefined();
    expect(response.body).not.toMatch(/ECONNREFUSED|postgres|stack/);
    const logged = destination.entries().find((entry) => entry.level === 'error');
    expect((logged?.err as { message: string }).message).toBe('connect ECONNREFUSED postgres://app:***@db/app');
    expect(destination.text).not.toContain('topsecret');
  });
});

describe('while closing', () => {
  it('answers new requests with 503 SHUTTING_DOWN problem+json while in-flight ones finish', async () => {
    const { app } = build();
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => { release = resolve; });
    let started: () => void = () => {};
    const slowStarted = new Promise<void>((resolve) => { started = resolve; });
    app.get('/slow', async () => { started(); await released; return { done: true }; });
    const inFlight = app.inject({ url: '/slow' });
    await slowStarted;
    const closed = app.close();
    const late = await app.inject({ url: '/health' });
    expect(late.statusCode).toBe(503);
    expect(late.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(late.json()).toMatchObject({ code: 'SHUTTING_DOWN', status: 503, requestId: late.headers['x-request-id'] });
    release();
    expect((await inFlight).statusCode).toBe(200);
    await closed;
  });
});

describe('probes and metrics', () => {
  it('answers /health', async () => {
    const { app } = build();
    const response = await app.inject({ url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /ready when every check passes', async () => {
    const { app } = build({ readiness: [{ name: 'database', check: async () => {} }, { name: 'bus', check: async () => {} }] });
    const response = await app.inject({ url: '/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { database: 'ok', bus: 'ok' } });
  });

  it('answers 503 NOT_READY naming failing and timed-out checks, without their reasons', async () => {
    const { app, destination } = build({
      readinessTimeoutMs: 50,
      readiness: [
        { name: 'database', check: async () => {} },
        { name: 'redis', check: async () => { throw new Error('NOAUTH redis://:hunter2@cache'); } },
        { name: 'upstream', check: () => new Promise<void>(() => {}) },
      ],
    });
    const response = await app.inject({ url: '/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      code: 'NOT_READY', status: 503, failing: ['redis', 'upstream'],
      checks: { database: 'ok', redis: 'failed', upstream: 'timed out' },
    });
    expect(response.body).not.toMatch(/NOAUTH|hunter2/);
    expect(destination.text).toContain('NOAUTH');
    expect(destination.text).not.toContain('hunter2');
  });

  it('exposes Prometheus text with route templates, never raw URLs', async () => {
    const { app } = build();
    app.get('/api/users/:id', async (request) => ({ id: (request.params as { id: string }).id }));
    await app.inject({ url: '/api/users/1' });
    await app.inject({ url: '/api/users/2' });
    await app.inject({ url: '/api/users/3/unknown-subresource' });
    const response = await app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/api/users/:id",status_code="200"} 2');
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1');
    expect(text).not.toContain('/api/users/1');
    expect(text).toContain('process_cpu_user_seconds_total');
    for (const name of ['versaai_bus_events_published_total', 'versaai_bus_events_consumed_total', 'versaai_bus_events_failed_total',
      'versaai_bus_events_dead_lettered_total', 'versaai_bus_consumer_lag']) {
      expect(text).toContain(`# TYPE ${name}`);
    }
  });

  it('keeps one registry per createMetrics call, apart from the global one', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.bus.published.inc({ type: 'user.registered' });
    expect(await first.registry.getSingleMetricAsString('versaai_bus_events_published_total')).toContain('type="user.registered"} 1');
    expect(await second.registry.getSingleMetricAsString('versaai_bus_events_published_total')).not.toContain('user.registered');
  });
});
