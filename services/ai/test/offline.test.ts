import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingSink, startCoreHarness, type CoreHarness } from './generator-harness.ts';

describe('without any provider configured', () => {
  let harness: CoreHarness;
  beforeAll(async () => {
    harness = await startCoreHarness({ AI_OFFLINE_TOKEN_DELAY: '1ms' });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('defaults to the built-in offline model, the only one enabled', () => {
    expect(harness.core.catalog.defaultModel).toBe('versaai-offline');
    expect(harness.core.registry.available('free').map((model) => model.id)).toEqual(['versaai-offline']);
  });

  it('streams an honest reply token by token, saying how to configure a provider, with estimated usage', async () => {
    const { sink, deltas, starts } = recordingSink();
    const result = await harness.core.generator.generate({ messages: [{ role: 'user', content: 'Hello, who are you?' }], userId: 'u', plan: 'free' },
      sink, new AbortController().signal);
    expect(result).toMatchObject({ status: 'completed', model: 'versaai-offline', provider: 'offline', finishReason: 'stop', costUsd: 0, usageSource: 'estimated' });
    expect(starts).toEqual([{ model: 'versaai-offline', provider: 'offline' }]);
    expect(deltas.length).toBeGreaterThan(20);
    expect(deltas.join('')).toBe(result.content);
    for (const variable of ['GROQ_API_KEY', 'OPENAI_API_KEY', 'OLLAMA_URL', 'AI_CONFIG_FILE']) expect(result.content).toContain(variable);
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBe(deltas.length);
  });

  it('answers in Spanish to a Spanish message, deterministically', async () => {
    const request = { messages: [{ role: 'user' as const, content: 'Hola, ¿puedes ayudarme con una receta?' }], userId: 'u', plan: 'free' };
    const first = await harness.core.generator.generate(request, recordingSink().sink, new AbortController().signal);
    const second = await harness.core.generator.generate(request, recordingSink().sink, new AbortController().signal);
    expect(first.content).toContain('no tiene ningún proveedor de IA configurado');
    expect(second.content).toBe(first.content);
  });

  it('can be cancelled mid-stream like any provider', async () => {
    const controller = new AbortController();
    const { sink } = recordingSink((_text, count) => {
      if (count === 3) controller.abort();
    });
    const result = await harness.core.generator.generate({ messages: [{ role: 'user', content: 'Hi' }], userId: 'u', plan: 'free' }, sink, controller.signal);
    expect(result.status).toBe('cancelled');
    expect(result.content.split(' ').length).toBeLessThan(6);
  });
});
