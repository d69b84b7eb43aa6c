import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { defineService, startPlatform, type RunningPlatform } from '@versaai/runtime';
import { createTestIssuer, describeOnBothDialects, type TestIssuer, type TestTokenClaims } from '@versaai/testing';
import { createAiCore, type AiCore } from '../src/generation/ai-core.ts';
import { createModelsTable } from '../src/migrations/0001-ai-models.ts';

const id = (n: number) => `0190b000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const admin: TestTokenClaims = { sub: id(1), role: 'admin' };
const member: TestTokenClaims = { sub: id(2), role: 'user' };
const proMember: TestTokenClaims = { sub: id(3), role: 'user' };

// Groq auto-configured from its key plus a custom provider from the document: no call is made here.
const ENV = {
  GROQ_API_KEY: 'gsk-test-key',
  AI_PROVIDERS: JSON.stringify({
    providers: [{ id: 'local', baseUrl: 'http://127.0.0.1:9/v1' }],
    models: [{ id: 'local-big', provider: 'local', contextWindow: 32_768, maxOutputTokens: 4_096, allowedPlans: ['pro'] }],
  }),
  AI_REGISTRY_REFRESH: '0',
};

describeOnBothDialects('ai: model registry from configuration and the admin API', (harness) => {
  let issuer: TestIssuer;
  let platform: RunningPlatform;
  let core: AiCore;

  const start = async (env: Record<string, string>) => {
    const service = defineService({
      name: 'ai',
      migrations: [createModelsTable],
      async routes(app, ctx) {
        core = await createAiCore(ctx, { planOf: (identity) => (identity.userId === proMember.sub ? 'pro' : 'free') });
        app.addHook('onClose', () => core.close());
        await core.routes(app);
      },
    });
    return startPlatform({
      services: [issuer.fakeAuthService, service],
      env: {
        PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG ?? 'silent', VERSAAI_DATA_DIR: harness.dataDir,
        DATABASE_URL: harness.databaseUrl ?? '', BUS_BLOCK_MS: '100', ...env,
      },
    });
  };
  const call = async (opts: { method?: string; url: string; as?: TestTokenClaims; body?: unknown }): Promise<LightMyRequestResponse> => {
    const headers = opts.as ? { authorization: await issuer.bearer(opts.as) } : {};
    return platform.app.inject({ method: (opts.method ?? 'GET') as 'GET', url: opts.url, headers, ...(opts.body === undefined ? {} : { payload: opts.body as object }) });
  };

  beforeAll(async () => {
    issuer = await createTestIssuer();
    platform = await start(ENV);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('seeds the table from configuration: auto-configured Groq models, custom models, the disabled offline model', async () => {
    const response = await call({ url: '/api/ai/admin/models', as: admin });
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json().items as Array<Record<string, unknown>>;
    expect(items.map((model) => model.id)).toEqual(['llama-3.1-8b-instant', 'llama-3.3-70b-versatile', 'local-big', 'versaai-offline']);
    expect(items.find((model) => model.id === 'llama-3.3-70b-versatile')).toMatchObject({
      provider: 'groq', upstreamModel: 'llama-3.3-70b-versatile', contextWindow: 131_072, inputPricePerMillion: 0.59, outputPricePerMillion: 0.79,
      enabled: true, fallbacks: ['llama-3.1-8b-instant'], source: 'config', providerConfigured: true,
    });
    expect(items.find((model) => model.id === 'llama-3.1-8b-instant')).toMatchObject({ isDefault: true });
    expect(items.find((model) => model.id === 'versaai-offline')).toMatchObject({ enabled: false, provider: 'offline' });
  });

  it('lists to each user the enabled models their plan allows, default first, with the provider', async () => {
    const free = (await call({ url: '/api/ai/models', as: member })).json();
    expect(free.defaultModel).toBe('llama-3.1-8b-instant');
    expect(free.items.map((model: { id: string }) => model.id)).toEqual(['llama-3.1-8b-instant', 'llama-3.3-70b-versatile']);
    expect(free.items[0]).toEqual({
      id: 'llama-3.1-8b-instant', provider: 'groq', contextWindow: 131_072, maxOutputTokens: 8_192,
      inputPricePerMillion: 0.05, outputPricePerMillion: 0.08, default: true,
    });
    const pro = (await call({ url: '/api/ai/models', as: proMember })).json();
    expect(pro.items.map((model: { id: string }) => model.id)).toContain('local-big');
    expect((await call({ url: '/api/ai/models' })).statusCode).toBe(401);
  });

  it('refuses the admin API to anonymous callers (401) and non-admins (403)', async () => {
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/ai/admin/models'], ['GET', '/api/ai/admin/models/local-big'],
      ['POST', '/api/ai/admin/models', { id: 'x', provider: 'groq', contextWindow: 10, maxOutputTokens: 5 }],
      ['PATCH', '/api/ai/admin/models/local-big', { enabled: false }], ['DELETE', '/api/ai/admin/models/local-big'],
    ];
    for (const [method, url, body] of routes) {
      expect((await call({ method, url, body })).statusCode, `${method} ${url}`).toBe(401);
      expect((await call({ method, url, body, as: member })).statusCode, `${method} ${url}`).toBe(403);
    }
    expect((await call({ url: '/api/ai/admin/models/local-big', as: admin })).json()).toMatchObject({ enabled: true });
  });

  it('lets admins add, change and delete models, validating the body, provider and fallbacks', async () => {
    const body = {
      id: 'groq-fast', provider: 'groq', upstreamModel: 'llama-3.1-8b-instant', contextWindow: 8_192, maxOutputTokens: 1_024,
      inputPricePerMillion: 0.1, outputPricePerMillion: 0.2, fallbacks: ['llama-3.3-70b-versatile'],
    };
    const created = await call({ method: 'POST', url: '/api/ai/admin/models', as: admin, body });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ ...body, enabled: true, allowedPlans: [], isDefault: false, source: 'admin' });
    expect((await call({ method: 'POST', url: '/api/ai/admin/models', as: admin, body })).json()).toMatchObject({ status: 409, code: 'AI_MODEL_EXISTS' });
    expect((await call({ method: 'POST', url: '/api/ai/admin/models', as: admin, body: { ...body, id: 'y', provider: 'nowhere' } })).json())
      .toMatchObject({ status: 400, code: 'AI_PROVIDER_UNKNOWN' });
    expect((await call({ method: 'POST', url: '/api/ai/admin/models', as: admin, body: { ...body, id: 'y', fallbacks: ['ghost'] } })).json())
      .toMatchObject({ status: 400, code: 'AI_FALLBACK_UNKNOWN' });
    expect((await call({ method: 'POST', url: '/api/ai/admin/models', as: admin, body: { ...body, id: 'y', secret: 1 } })).json())
      .toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });

    const made = await call({ method: 'PATCH', url: '/api/ai/admin/models/groq-fast', as: admin, body: { isDefault: true, allowedPlans: ['free', 'pro'] } });
    expect(made.statusCode, made.body).toBe(200);
    expect(made.json()).toMatchObject({ isDefault: true, allowedPlans: ['free', 'pro'] });
    expect(core.generator.resolve(undefined, 'free').id).toBe('groq-fast');
    expect((await call({ url: '/api/ai/models', as: member })).json().defaultModel).toBe('groq-fast');

    const disabled = await call({ method: 'PATCH', url: '/api/ai/admin/models/llama-3.3-70b-versatile', as: admin, body: { enabled: false } });
    expect(disabled.json()).toMatchObject({ enabled: false, source: 'admin' });
    expect(() => core.generator.resolve('llama-3.3-70b-versatile', 'free')).toThrow(expect.objectContaining({ code: 'AI_MODEL_UNKNOWN' }));
    expect(core.registry.fallbacks(core.generator.resolve('groq-fast', 'free'), 'free')).toEqual([]);

    const cleared = await call({ method: 'PATCH', url: '/api/ai/admin/models/groq-fast', as: admin, body: { isDefault: false } });
    expect(cleared.json()).toMatchObject({ isDefault: false });
    // No row is flagged: configuration's default answers again, not the most recently edited row.
    expect(core.generator.resolve(undefined, 'free').id).toBe('llama-3.1-8b-instant');

    expect((await call({ method: 'PATCH', url: '/api/ai/admin/models/ghost', as: admin, body: { enabled: false } })).statusCode).toBe(404);
    expect((await call({ method: 'DELETE', url: '/api/ai/admin/models/groq-fast', as: admin })).statusCode).toBe(204);
    expect((await call({ method: 'DELETE', url: '/api/ai/admin/models/groq-fast', as: admin })).statusCode).toBe(404);
    expect(core.generator.resolve(undefined, 'free').id).toBe('llama-3.1-8b-instant');
  });

  it('keeps admin changes across a restart, refreshes configuration rows and drops models no longer configured', async () => {
    await platform.stop();
    // Same database, another configuration: OpenAI instead of the custom provider.
    platform = await start({ GROQ_API_KEY: 'gsk-test-key', OPENAI_API_KEY: 'sk-test', AI_REGISTRY_REFRESH: '0' });
    const items = (await call({ url: '/api/ai/admin/models', as: admin })).json().items as Array<Record<string, unknown>>;
    const ids = items.map((model) => model.id);
    expect(ids).toContain('gpt-4o-mini');
    expect(ids).not.toContain('local-big');
    // The admin disabled it before the restart: configuration does not turn it back on.
    expect(items.find((model) => model.id === 'llama-3.3-70b-versatile')).toMatchObject({ enabled: false, source: 'admin' });
  });
});
