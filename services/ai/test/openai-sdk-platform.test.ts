import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startFakeLlm, tempDataDir, waitFor, type FakeLlm, type TempDataDir } from '@versaai/testing';
import { startCli, type CliProcess } from './support/cli-process.ts';

async function json(url: string, init: { body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(url, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

// The whole platform (all-in-one `versaai start`) with a real VersaAI API key (vak_…) that the
// gateway trades for a token at the edge, an OpenAI provider pointed at the fake LLM, and the
// official openai SDK as the client.
describe('the openai SDK against a real all-in-one platform with a VersaAI API key', () => {
  let dataDir: TempDataDir;
  let llm: FakeLlm;
  let platform: CliProcess;
  let apiKey: string;
  let authorization: string;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    llm = await startFakeLlm({ apiKey: 'sk-upstream' });
    platform = await startCli('versaai', ['start'], {
      VERSAAI_DATA_DIR: dataDir.dir, ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1',
      OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: llm.url, AI_DEFAULT_MODEL: 'gpt-4o-mini',
      AI_PLANS: JSON.stringify({ free: { dailyMessages: 4, dailyTokens: 1_000_000, priority: 0 } }),
    }, await freePort());
    const email = 'sdk-user@example.com';
    const password = 'correct horse battery';
    expect((await json(`${platform.url}/api/auth/register`, { body: { email, password } })).status).toBe(202);
    const login = await json(`${platform.url}/api/auth/login`, { body: { email, password } });
    expect(login.status).toBe(200);
    authorization = `Bearer ${login.body.accessToken as string}`;
    const created = await json(`${platform.url}/api/auth/api-keys`, { headers: { authorization }, body: { name: 'sdk', scopes: ['ai:use'] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    apiKey = created.body.key;
  }, 150_000);

  afterAll(async () => {
    await platform?.stop();
    await llm?.close();
    await dataDir?.remove();
  });

  it('completes, streams with usage, lists models, then hits the quota as RateLimitError; usage is reported', async () => {
    expect(apiKey).toMatch(/^vak_/);
    const openai = new OpenAI({ baseURL: `${platform.url}/v1`, apiKey, maxRetries: 0 });

    const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ping' }] });
    expect(completion.choices[0]!.message.content).toBe('You said: ping');
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);

    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'stream please' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('You said: stream please');
    expect(usage).toMatchObject({ completion_tokens: expect.any(Number), prompt_tokens: expect.any(Number) });
    const upstream = llm.requests.filter((request) => request.path.endsWith('/chat/completions'));
    expect(upstream.length).toBe(2);

    const models = [];
    for await (const model of openai.models.list()) models.push(model.id);
    expect(models).toContain('gpt-4o-mini');

    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'third' }] });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'fourth' }] });
    const refused = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'fifth' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('AI_QUOTA_EXCEEDED');

    const report = await waitFor(async () => {
      const usageReport = await json(`${platform.url}/api/ai/usage`, { headers: { authorization } });
      return usageReport.body?.totals?.requests === 4 ? usageReport : undefined;
    });
    expect(report.body.days).toEqual([expect.objectContaining({ model: 'gpt-4o-mini', requests: 4 })]);
    expect(report.body.totals.completionTokens).toBeGreaterThan(0);
    expect(report.body.totals.costUsd).toBeGreaterThan(0);
  });
});
