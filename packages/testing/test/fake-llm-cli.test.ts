import OpenAI from 'openai';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, spawnNode, waitFor } from '../src/index.ts';

const MAIN = join(repositoryRoot, 'apps/cli/src/main.ts');

function collect(child: ChildProcess): { out: () => string; exit: Promise<number | null> } {
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { out: () => out, exit: new Promise((resolve) => child.on('close', resolve)) };
}

describe('versaai dev fake-llm', () => {
  it('serves the scripted token count with the key from FAKE_LLM_API_KEY and stops on SIGTERM', async () => {
    const child = spawnNode(MAIN, ['dev', 'fake-llm', '--port', '0', '--tokens', '7', '--token-delay-ms', '1'], { FAKE_LLM_API_KEY: 'sk-cli-test' });
    const output = collect(child);
    try {
      const url = await waitFor(() => /base URL (http:\S+)/.exec(output.out())?.[1], { timeoutMs: 30_000 });
      expect(url).toMatch(/\/v1$/);
      const client = new OpenAI({ baseURL: url, apiKey: 'sk-cli-test', maxRetries: 0 });
      const stream = await client.chat.completions.create({
        model: 'any', messages: [{ role: 'user', content: 'count' }], stream: true, stream_options: { include_usage: true },
      });
      let contentChunks = 0;
      let completionTokens: number | undefined;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) contentChunks += 1;
        completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
      }
      expect(contentChunks).toBe(7);
      expect(completionTokens).toBe(7);
      await expect(new OpenAI({ baseURL: url, apiKey: 'sk-wrong', maxRetries: 0 }).models.list()).rejects.toMatchObject({ status: 401 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await output.exit).toBe(0);
    expect(output.out()).toContain('fake LLM stopped after 2 requests');
    expect(output.out()).not.toContain('sk-cli-test');
  });

  it('rejects a bad option with the configuration exit code', async () => {
    const output = collect(spawnNode(MAIN, ['dev', 'fake-llm', '--token-delay-ms', 'soon']));
    expect(await output.exit).toBe(78);
    expect(output.out()).toContain('--token-delay-ms must be an integer');
  });
});
