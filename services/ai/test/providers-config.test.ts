import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@versaai/kernel';
import { tempDataDir, type TempDataDir } from '@versaai/testing';
import { parseAiCoreConfig } from '../src/config.ts';
import { buildCatalog } from '../src/providers/build-catalog.ts';

const catalogFor = (env: Record<string, string>) => buildCatalog(parseAiCoreConfig(env), env);

describe('provider auto-configuration', () => {
  let dir: TempDataDir;
  beforeAll(async () => {
    dir = await tempDataDir();
  });
  afterAll(async () => {
    await dir?.remove();
  });

  it('falls back to the offline model, enabled and default, when nothing is configured', () => {
    const catalog = catalogFor({});
    expect(catalog.providers.map((provider) => provider.id)).toEqual(['offline']);
    expect(catalog.defaultModel).toBe('versaai-offline');
    expect(catalog.models).toEqual([expect.objectContaining({ id: 'versaai-offline', enabled: true, isDefault: true })]);
  });

  it('configures Groq, OpenAI and Ollama from their variables, Groq first as the default', () => {
    const catalog = catalogFor({ GROQ_API_KEY: 'gsk-1', OPENAI_API_KEY: 'sk-1', OLLAMA_URL: 'http://ollama:11434', OLLAMA_MODELS: 'qwen2.5, phi4' });
    expect(catalog.providers).toEqual([
      { id: 'groq', kind: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1', apiKey: 'gsk-1' },
      { id: 'openai', kind: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-1' },
      { id: 'ollama', kind: 'openai-compatible', baseUrl: 'http://ollama:11434/v1' },
      { id: 'offline', kind: 'offline' },
    ]);
    expect(catalog.models.map((model) => `${model.provider}:${model.id}`)).toEqual([
      'groq:llama-3.1-8b-instant', 'groq:llama-3.3-70b-versatile', 'openai:gpt-4o-mini', 'openai:gpt-4o',
      'ollama:qwen2.5', 'ollama:phi4', 'offline:versaai-offline',
    ]);
    expect(catalog.defaultModel).toBe('llama-3.1-8b-instant');
    expect(catalog.models.find((model) => model.id === 'versaai-offline')?.enabled).toBe(false);
    expect(catalog.models.filter((model) => model.isDefault).map((model) => model.id)).toEqual(['llama-3.1-8b-instant']);
  });

  it('reads custom providers and models from a YAML file, the key from the variable it names', async () => {
    const file = join(dir.dir, 'ai.yaml');
    await writeFile(file, [
      'providers:',
      '  - id: vllm',
      '    baseUrl: http://gpu-box:8000/v1',
      '    apiKeyEnv: VLLM_KEY',
      '    headers: { X-Team: research }',
      '    connections: 32',
      'models:',
      '  - id: qwen-coder',
      '    provider: vllm',
      '    upstreamModel: Qwen/Qwen2.5-Coder-32B-Instruct',
      '    contextWindow: 32768',
      '    maxOutputTokens: 4096',
      '    inputPricePerMillion: 0.2',
      '    outputPricePerMillion: 0.6',
      '    allowedPlans: [pro]',
      '    default: true',
      '',
    ].join('\n'));
    const catalog = catalogFor({ AI_CONFIG_FILE: file, VLLM_KEY: 'secret-1' });
    expect(catalog.providers[0]).toEqual({
      id: 'vllm', kind: 'openai-compatible', baseUrl: 'http://gpu-box:8000/v1', apiKey: 'secret-1', headers: { 'X-Team': 'research' }, connections: 32, includeUsage: undefined,
    });
    expect(catalog.defaultModel).toBe('qwen-coder');
    expect(catalog.models[0]).toMatchObject({ upstreamModel: 'Qwen/Qwen2.5-Coder-32B-Instruct', allowedPlans: ['pro'], isDefault: true });
  });

  it('lets AI_DEFAULT_MODEL choose, and AI_PROVIDERS override a built-in model', () => {
    const catalog = catalogFor({
      GROQ_API_KEY: 'gsk-1', AI_DEFAULT_MODEL: 'llama-3.3-70b-versatile',
      AI_PROVIDERS: '{"models":[{"id":"llama-3.1-8b-instant","provider":"groq","contextWindow":131072,"maxOutputTokens":2048,"inputPricePerMillion":0.06}]}',
    });
    expect(catalog.defaultModel).toBe('llama-3.3-70b-versatile');
    expect(catalog.models.find((model) => model.id === 'llama-3.1-8b-instant')).toMatchObject({ maxOutputTokens: 2048, inputPricePerMillion: 0.06 });
  });

  it('stops with a message naming the variable when the configuration is wrong', () => {
    const problems: Array<[Record<string, string>, RegExp]> = [
      [{ AI_PROVIDERS: 'providers: [' }, /AI_PROVIDERS is not valid YAML/],
      [{ AI_PROVIDERS: '{"providers":[{"id":"x","baseUrl":"ftp://x"}]}' }, /AI_PROVIDERS is invalid at providers.0.baseUrl/],
      [{ AI_PROVIDERS: '{"providers":[{"id":"x","baseUrl":"http://x/v1","apiKey":"inline"}]}' }, /AI_PROVIDERS is invalid/],
      [{ AI_PROVIDERS: '{"providers":[{"id":"x","baseUrl":"http://x/v1","apiKeyEnv":"X_KEY"}]}' }, /X_KEY is required by provider "x"/],
      [{ AI_PROVIDERS: '{"models":[{"id":"m","provider":"nope","contextWindow":10,"maxOutputTokens":5}]}' }, /unknown provider "nope"/],
      [{ GROQ_API_KEY: 'k', AI_PROVIDERS: '{"models":[{"id":"m","provider":"groq","contextWindow":10,"maxOutputTokens":5,"fallbacks":["ghost"]}]}' }, /invalid fallback "ghost"/],
      [{ GROQ_API_KEY: 'k', AI_DEFAULT_MODEL: 'ghost' }, /AI_DEFAULT_MODEL names an unknown model "ghost"/],
      [{ AI_CONFIG_FILE: '/nonexistent/ai.yaml' }, /AI_CONFIG_FILE cannot be read \(ENOENT/],
      [{ AI_IDLE_TIMEOUT: 'soon' }, /AI_IDLE_TIMEOUT must be a duration/],
    ];
    for (const [env, message] of problems) {
      let caught: unknown;
      try {
        catalogFor(env);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((caught as Error).message).toMatch(message);
    }
  });
});
