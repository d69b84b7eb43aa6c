import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createLogger, ConfigError } from '@versaai/kernel';
import { defineService, startPlatform, type RunningPlatform } from '@versaai/runtime';
import { createTestIssuer, describeOnBothDialects, startFakeLlm, waitFor, type FakeLlm, type TestIssuer, type TestTokenClaims } from '@versaai/testing';
import { parseAiCoreConfig } from '../src/config.ts';
import { createAiCore, type AiCore } from '../src/generation/ai-core.ts';
import { createModelsTable } from '../src/migrations/0001-ai-models.ts';
import { buildCatalog } from '../src/providers/build-catalog.ts';

const id = (n: number) => `0190b000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const admin: TestTokenClaims = { sub: id(1), role: 'admin' };
const member: TestTokenClaims = { sub: id(2), role: 'user' };

interface Running { platform: RunningPlatform; core: AiCore; logs: Array<Record<string, unknown>> }

describeOnBothDialects('ai: model discovery from a provider\'s GET /models', (harness) => {
  let issuer: TestIssuer;
  const running: Running[] = [];
  const llms: FakeLlm[] = [];

  const fakeLlm = async (...args: Parameters<typeof startFakeLlm>) => {
    const llm = await startFakeLlm(...args);
    llms.push(llm);
    return llm;
  };

  const start = async (env: Record<string, string>): Promise<Running> => {
    const logs: Array<Record<string, unknown>> = [];
    const logger = createLogger({ service: 'ai', level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
    let core: AiCore | undefined;
    const service = defineService({
      name: 'ai',
      migrations: [createModelsTable],
      async routes(app, ctx) {
        core = await createAiCore({ ...ctx, logger });
        app.addHook('onClose', () => core!.close());
        await core.routes(app);
      },
    });
    const platform = await startPlatform({
      services: [issuer.fakeAuthService, service],
      env: {
        PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG ?? 'silent', VERSAAI_DATA_DIR: harness.dataDir,
        DATABASE_URL: harness.databaseUrl ?? '', BUS_BLOCK_MS: '100', AI_REGISTRY_REFRESH: '0', AI_MODEL_DISCOVERY_INTERVAL: '0', ...env,
      },
    });
    const started = { platform, core: core!, logs };
    running.push(started);
    return started;
  };
  const stop = async (instance: Running) => {
    running.splice(running.indexOf(instance), 1);
    await instance.platform.stop();
  };
  const call = async (instance: Running, opts: { method?: string; url: string; as?: TestTokenClaims; body?: unknown }): Promise<LightMyRequestResponse> => {
    const headers = opts.as ? { authorization: await issuer.bearer(opts.as) } : {};
    return instance.platform.app.inject({ method: (opts.method ?? 'GET') as 'GET', url: opts.url, headers, ...(opts.body === undefined ? {} : { payload: opts.body as object }) });
  };
  const listed = async (instance: Running): Promise<string[]> => {
    const response = await call(instance, { url: '/api/ai/models', as: member });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json().items as Array<{ id: string }>).map((model) => model.id);
  };
  const warnings = (instance: Running) => instance.logs.filter((line) => line.level === 'warn' && String(line.msg).startsWith('ai: model discovery'));
  const modelReads = (llm: FakeLlm) => llm.requests.filter((request) => request.path.endsWith('/models')).length;

  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterEach(async () => {
    for (const instance of [...running]) await stop(instance);
    for (const llm of llms.splice(0)) await llm.close();
  });
  afterAll(async () => {
    for (const llm of llms) await llm.close();
  });

  it('lists the models an Ollama server has when OLLAMA_MODELS is not set, and follows its changes', async () => {
    const ollama = await fakeLlm({ models: ['llama3.2:latest', 'qwen2.5:7b'] });
    const ai = await start({ OLLAMA_URL: ollama.origin, AI_MODEL_DISCOVERY_INTERVAL: '1s' });
    expect(await listed(ai)).toEqual(['llama3.2:latest', 'qwen2.5:7b']);
    const response = await call(ai, { url: '/api/ai/models', as: member });
    expect(response.json().items[0]).toEqual({
      id: 'llama3.2:latest', provider: 'ollama', contextWindow: 8_192, maxOutputTokens: 2_048, inputPricePerMillion: 0, outputPricePerMillion: 0, default: true,
    });
    expect(ai.core.generator.resolve('qwen2.5:7b', 'free')).toMatchObject({ provider: 'ollama', upstreamModel: 'qwen2.5:7b' });

    // The poll (every second here) picks up a pulled model and drops a removed one.
    ollama.setModels(['qwen2.5:7b', 'phi4:latest']);
    await waitFor(async () => ((await listed(ai)).includes('phi4:latest') ? true : undefined), { timeoutMs: 10_000 });
    expect(await listed(ai)).toEqual(['phi4:latest', 'qwen2.5:7b']);
    const adminList = await call(ai, { url: '/api/ai/admin/models', as: admin });
    expect(adminList.json().items.find((model: { id: string }) => model.id === 'phi4:latest')).toMatchObject({ source: 'config', discovered: true, providerConfigured: true });
    expect(ai.platform.app.server.listening).toBe(true);
  });

  it('keeps an explicit OLLAMA_MODELS authoritative: no discovery', async () => {
    const ollama = await fakeLlm({ models: ['llama3.2:latest', 'qwen2.5:7b'] });
    const ai = await start({ OLLAMA_URL: ollama.origin, OLLAMA_MODELS: 'mistral' });
    await ai.core.discovery.refresh();
    expect(await listed(ai)).toEqual(['mistral']);
    expect(modelReads(ollama)).toBe(0);
  });

  it('keeps the last list while the server is down, warns once per failure streak, and notes the recovery', async () => {
    const ollama = await fakeLlm({ models: ['llama3.2:latest'] });
    const port = ollama.port;
    const ai = await start({ OLLAMA_URL: ollama.origin });
    expect(await listed(ai)).toEqual(['llama3.2:latest']);

    await ollama.close();
    for (let poll = 0; poll < 3; poll += 1) await ai.core.discovery.refresh();
    expect(await listed(ai)).toEqual(['llama3.2:latest']);
    expect(warnings(ai)).toHaveLength(1);
    expect(warnings(ai)[0]).toMatchObject({ provider: 'ollama', keptModels: 1 });
    expect(ai.core.discovery.status()).toEqual([{ provider: 'ollama', up: false, models: 1 }]);
    const metrics = await ai.platform.app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('versaai_ai_model_discovery_up{provider="ollama"} 0');
    expect(metrics.body).toContain('versaai_ai_discovered_models{provider="ollama"} 1');

    await fakeLlm({ port, models: ['llama3.2:latest', 'gemma3:4b'] });
    await ai.core.discovery.refresh();
    expect(await listed(ai)).toEqual(['gemma3:4b', 'llama3.2:latest']);
    expect(ai.logs.some((line) => line.msg === 'ai: model discovery recovered')).toBe(true);
  });

  it('ignores a malformed answer and an error status, keeping the last list', async () => {
    const ollama = await fakeLlm({ models: ['llama3.2:latest'] });
    const ai = await start({ OLLAMA_URL: ollama.origin });
    for (const answer of [{ body: '<html>busy</html>' }, { body: '{"data": {"id": "x"}}' }, { status: 500, body: '{"error": {}}' }]) {
      ollama.answerModels(answer);
      await ai.core.discovery.refresh();
      expect(await listed(ai)).toEqual(['llama3.2:latest']);
    }
    expect(warnings(ai)).toHaveLength(1);

    // A hostile list: bad ids are skipped, the rest kept (one warning for the skipped entries).
    ollama.answerModels({ body: JSON.stringify({ data: [{ id: 'good:1b' }, { id: '<script>' }, { id: 'a b' }, 7, { id: 'good:1b' }] }) });
    await ai.core.discovery.refresh();
    expect(await listed(ai)).toEqual(['good:1b']);
    expect(warnings(ai).at(-1)).toMatchObject({ msg: 'ai: model discovery skipped entries of the model list', rejected: 4 });
  });

  it('discovers an AI_PROVIDERS provider that opts in, with its key; its explicit models and admin overrides win', async () => {
    const vllm = await fakeLlm({ apiKey: 'sk-vllm', models: ['Qwen/Qwen2.5-7B-Instruct', 'meta-llama/Llama-3.1-8B-Instruct'] });
    const ai = await start({
      VLLM_KEY: 'sk-vllm',
      AI_PROVIDERS: JSON.stringify({
        providers: [{ id: 'vllm', baseUrl: vllm.url, apiKeyEnv: 'VLLM_KEY', discoverModels: true, discoveredModelDefaults: { contextWindow: 32_768, maxOutputTokens: 4_096 } }],
        models: [{ id: 'qwen', provider: 'vllm', upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', contextWindow: 131_072, maxOutputTokens: 8_192 }],
      }),
    });
    // The explicit model is configuration's default; the discovered copy of its upstream model is not added.
    expect(await listed(ai)).toEqual(['qwen', 'meta-llama/Llama-3.1-8B-Instruct']);
    expect(ai.core.registry.get('meta-llama/Llama-3.1-8B-Instruct')).toMatchObject({ provider: 'vllm', contextWindow: 32_768, maxOutputTokens: 4_096 });
    expect(warnings(ai)).toHaveLength(0);

    // An admin's change stores the model: it then outlives its disappearance from the list.
    const patched = await call(ai, { method: 'PATCH', url: '/api/ai/admin/models/meta-llama%2FLlama-3.1-8B-Instruct', as: admin, body: { contextWindow: 65_536, inputPricePerMillion: 0.1 } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ source: 'admin', discovered: false, contextWindow: 65_536, maxOutputTokens: 4_096, inputPricePerMillion: 0.1 });
    vllm.setModels([]);
    await ai.core.discovery.refresh();
    expect(await listed(ai)).toEqual(['qwen', 'meta-llama/Llama-3.1-8B-Instruct']);
    expect(ai.core.registry.get('meta-llama/Llama-3.1-8B-Instruct')).toMatchObject({ contextWindow: 65_536, source: 'admin' });
  });
});

describe('model discovery configuration', () => {
  const catalogFor = (env: Record<string, string>) => buildCatalog(parseAiCoreConfig(env), env);

  it('validates the provider document and the intervals', () => {
    const doc = (provider: Record<string, unknown>) => ({ AI_PROVIDERS: JSON.stringify({ providers: [{ id: 'lm', baseUrl: 'http://127.0.0.1:1234/v1', ...provider }] }) });
    expect(catalogFor(doc({ discoverModels: true })).providers[0]).toMatchObject({ id: 'lm', discovery: { contextWindow: 8_192, maxOutputTokens: 2_048 } });
    expect(catalogFor(doc({})).providers[0]).not.toHaveProperty('discovery');
    expect(() => catalogFor(doc({ discoverModels: 'yes' }))).toThrow(ConfigError);
    expect(() => catalogFor(doc({ discoveredModelDefaults: { contextWindow: 4_096, maxOutputTokens: 1_024 } }))).toThrow(/discoverModels/);
    expect(() => catalogFor(doc({ discoverModels: true, discoveredModelDefaults: { contextWindow: 1_024, maxOutputTokens: 1_024 } }))).toThrow(ConfigError);
    expect(() => parseAiCoreConfig({ AI_MODEL_DISCOVERY_INTERVAL: '500ms' })).toThrow(/AI_MODEL_DISCOVERY_INTERVAL/);
    expect(parseAiCoreConfig({ AI_MODEL_DISCOVERY_INTERVAL: '0' }).discovery).toEqual({ intervalMs: 0, timeoutMs: 5_000 });
    expect(parseAiCoreConfig({}).discovery).toEqual({ intervalMs: 60_000, timeoutMs: 5_000 });
  });

  it('lets AI_DEFAULT_MODEL name a model only discovery will list', () => {
    expect(catalogFor({ OLLAMA_URL: 'http://127.0.0.1:11434', AI_DEFAULT_MODEL: 'qwen2.5:7b' }).defaultModel).toBe('qwen2.5:7b');
    expect(() => catalogFor({ OLLAMA_URL: 'http://127.0.0.1:11434', OLLAMA_MODELS: 'llama3.2', AI_DEFAULT_MODEL: 'qwen2.5:7b' })).toThrow(ConfigError);
  });
});
