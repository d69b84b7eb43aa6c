import { describe, expect, it } from 'vitest';
import { discoveredModel } from '../src/discovery/model-discovery.ts';
import { MAX_DISCOVERED_MODELS, parseModelList } from '../src/discovery/model-list.ts';

describe('a provider\'s GET /models answer is validated', () => {
  it('keeps valid ids once, in order, and the context window a server reports', () => {
    const list = parseModelList(JSON.stringify({
      object: 'list',
      data: [
        { id: 'llama3.2:latest', object: 'model' }, { id: 'Qwen/Qwen2.5-7B-Instruct', max_model_len: 32_768 },
        { id: 'llama3.2:latest' }, { id: 'has space' }, { id: '../etc' }, { id: 42 }, 'text', null, { id: 'x'.repeat(101) },
        { id: 'odd-window', context_window: -5 },
      ],
    }));
    expect(list.models).toEqual([{ id: 'llama3.2:latest' }, { id: 'Qwen/Qwen2.5-7B-Instruct', contextWindow: 32_768 }, { id: 'odd-window' }]);
    expect(list.rejected).toBe(7);
    expect(list.truncated).toBe(false);
  });

  it('cuts a huge list', () => {
    const data = Array.from({ length: MAX_DISCOVERED_MODELS + 50 }, (_, i) => ({ id: `m-${i}` }));
    const list = parseModelList(JSON.stringify({ data }));
    expect(list.models).toHaveLength(MAX_DISCOVERED_MODELS);
    expect(list.truncated).toBe(true);
  });

  it('refuses an answer that is not JSON or has no data array', () => {
    for (const text of ['<html>', '', '[]', '{"data": {"id": "a"}}', 'null', '{"models": []}']) {
      expect(() => parseModelList(text), text).toThrow();
    }
  });

  it('gives discovered models the provider defaults, or half a small reported window for the reply', () => {
    const defaults = { contextWindow: 8_192, maxOutputTokens: 2_048 };
    expect(discoveredModel('ollama', { id: 'a' }, defaults)).toMatchObject({
      id: 'a', provider: 'ollama', upstreamModel: 'a', contextWindow: 8_192, maxOutputTokens: 2_048, inputPricePerMillion: 0, enabled: true,
    });
    expect(discoveredModel('vllm', { id: 'b', contextWindow: 2_048 }, defaults)).toMatchObject({ contextWindow: 2_048, maxOutputTokens: 1_024 });
    expect(discoveredModel('vllm', { id: 'c', contextWindow: 131_072 }, defaults)).toMatchObject({ contextWindow: 131_072, maxOutputTokens: 2_048 });
  });
});
