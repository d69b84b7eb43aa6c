import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAiPlatform, type AiTestPlatform } from './support/ai-platform.ts';
import { ScriptedGenerator, scriptedCore } from './support/scripted-generator.ts';

describe('OpenAI-compatible /v1 with the official openai SDK', () => {
  const generator = new ScriptedGenerator();
  let ai: AiTestPlatform;

  beforeAll(async () => {
    ai = await startAiPlatform(scriptedCore(generator), {
      AI_PLANS: JSON.stringify({ free: { dailyMessages: 3, dailyTokens: 1_000_000, priority: 0 }, big: { dailyMessages: 1_000, dailyTokens: 1_000_000, priority: 0 } }),
      AI_DEFAULT_PLAN: 'free',
    });
  });
  afterAll(async () => {
    await ai?.stop();
  });

  /** An SDK client whose key is an API-key access token of `userId` (what the gateway trades a vak_ key for). */
  async function client(userId: string, opts: { scope?: string; headers?: Record<string, string> } = {}) {
    const token = await ai.issuer.sign({ sub: userId, kind: 'api_key', sid: `ak_${userId}`, scope: opts.scope ?? 'ai:use' });
    return new OpenAI({ baseURL: `${ai.platform.url}/v1`, apiKey: token, maxRetries: 0, defaultHeaders: opts.headers });
  }

  it('answers a non-streaming completion in OpenAI\'s shape', async () => {
    generator.scripts.set('plain question', { tokens: ['Plain', ' answer'] });
    const openai = await client('u-plain');
    const completion = await openai.chat.completions.create({ model: 'test-model', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'plain question' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe('test-model');
    expect(completion.choices[0]!.message).toMatchObject({ role: 'assistant', content: 'Plain answer' });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({ prompt_tokens: 20, completion_tokens: 2, total_tokens: 22 });
  });

  it('streams chunks with usage in the final chunk, and the usage is recorded', async () => {
    generator.scripts.set('stream question', { tokens: ['Streamed', ' reply', ' here'], tokenDelayMs: 1 });
    const openai = await client('u-stream');
    const stream = await openai.chat.completions.create({
      model: 'test-model', messages: [{ role: 'user', content: [{ type: 'text', text: 'stream question' }] }], stream: true, stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'test-model')).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Streamed reply here');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 });

    const usage = await ai.ctx.db.selectFrom('ai_usage').selectAll().where('user_id', '=', 'u-stream').execute();
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ source: 'api', model: 'test-model', prompt_tokens: 10, completion_tokens: 3 });
  });

  it('a stream written straight to the socket carries the headers the platform set on the reply', async () => {
    generator.scripts.set('stream headers', { tokens: ['Head', 'ers'] });
    const openai = await client('u-stream-headers');
    const { data: stream, response } = await openai.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'stream headers' }], stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Headers');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-request-id')).toMatch(/\S/);
    expect(response.headers.get('x-correlation-id')).toMatch(/\S/);
  });

  it('lists the models of the caller\'s plan', async () => {
    const openai = await client('u-models');
    const models = [];
    for await (const model of openai.models.list()) models.push(model);
    expect(models.map((model) => model.id)).toContain('test-model');
    expect(models[0]).toMatchObject({ object: 'model', owned_by: expect.any(String) });
  });

  it('surfaces errors in OpenAI\'s shape: unknown model, bad body, no key, wrong scope', async () => {
    const openai = await client('u-errors');
    const unknown = await openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(OpenAI.BadRequestError);
    expect((unknown as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('model_not_found');

    const badBody = await openai.chat.completions.create({ model: 'test-model', messages: [], tools: [] } as never).catch((error: unknown) => error);
    expect(badBody).toBeInstanceOf(OpenAI.BadRequestError);
    expect((badBody as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ type: 'invalid_request_error', code: 'VALIDATION_FAILED' });

    const anonymous = new OpenAI({ baseURL: `${ai.platform.url}/v1`, apiKey: 'not-a-token', maxRetries: 0 });
    await expect(anonymous.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const readOnly = await client('u-errors', { scope: 'users:read' });
    await expect(readOnly.models.list()).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('the daily quota surfaces as openai.RateLimitError with AI_QUOTA_EXCEEDED', async () => {
    const openai = await client('u-quota');
    for (let index = 0; index < 3; index++) await openai.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: `q${index}` }] });
    const refused = await openai.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'one too many' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const error = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.status).toBe(429);
    expect(error.code).toBe('AI_QUOTA_EXCEEDED');
    expect(error.type).toBe('insufficient_quota');
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a quota spent by another process since this one last asked the store: the started call is stopped and refused', async () => {
    generator.scripts.set('spent elsewhere', { tokens: ['Never', ' seen'], tokenDelayMs: 5 });
    const openai = await client('u-elsewhere');
    // The first of the day reserves before the call (this process knows nothing yet) and learns 1 of 3 is used.
    await openai.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'spent elsewhere' }] });
    // Another replica answers two more meanwhile: the store is full, this process still sees room.
    const today = new Date().toISOString().slice(0, 10);
    await ai.ctx.db.updateTable('ai_quota_counters').set({ messages: 3 }).where('user_id', '=', 'u-elsewhere').where('day', '=', today).execute();

    for (const stream of [true, false]) {
      const refused = await openai.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'spent elsewhere' }], stream })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
      expect((refused as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('AI_QUOTA_EXCEEDED');
    }
    const calls = generator.calls.filter((call) => call.request.userId === 'u-elsewhere');
    // The first refusal had started its call (the view said room) and stopped it; the second knew better.
    expect(calls).toHaveLength(2);
    await calls[1]!.settled;
    expect(calls[1]!.aborted).toBe(true);
    const counters = await ai.ctx.db.selectFrom('ai_quota_counters').select(['messages']).where('user_id', '=', 'u-elsewhere').executeTakeFirst();
    expect(Number(counters!.messages)).toBe(3);
    const usage = await ai.ctx.db.selectFrom('ai_usage').select('id').where('user_id', '=', 'u-elsewhere').execute();
    expect(usage).toHaveLength(1);
  });

  it('identical temperature-0 requests make one upstream call (single-flight) and are cached', async () => {
    generator.scripts.set('cache me', { tokens: ['Cached', ' once'], tokenDelayMs: 20 });
    const openai = await client('u-flight');
    const ask = () => openai.chat.completions.create({ model: 'test-model', temperature: 0, messages: [{ role: 'user', content: 'cache me' }] });
    const answers = await Promise.all([ask(), ask(), ask()]);
    expect(answers.map((answer) => answer.choices[0]!.message.content)).toEqual(['Cached once', 'Cached once', 'Cached once']);
    expect(generator.calls.filter((call) => call.request.userId === 'u-flight')).toHaveLength(1);
  });

  it('a streamed answer replayed from the cache streams like the first (the reply starts from within the call)', async () => {
    generator.scripts.set('stream me twice', { tokens: ['Same', ' words'] });
    const openai = await client('u-replay');
    const read = async () => {
      const stream = await openai.chat.completions.create({ model: 'test-model', temperature: 0, messages: [{ role: 'user', content: 'stream me twice' }], stream: true });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    };
    const first = await read();
    const replayed = await read();
    for (const chunks of [first, replayed]) {
      expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Same words');
      expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    }
    expect(generator.calls.filter((call) => call.request.userId === 'u-replay')).toHaveLength(1);
  });

  it('a client that disconnects mid-stream aborts the generation', async () => {
    generator.scripts.set('long stream', { tokens: Array.from({ length: 500 }, (_, index) => ` w${index}`), tokenDelayMs: 5 });
    const openai = await client('u-abort');
    const controller = new AbortController();
    const stream = await openai.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'long stream' }], stream: true }, { signal: controller.signal });
    let received = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) received += 1;
        if (received === 3) controller.abort();
      }
    } catch {
      // The SDK may end the iteration or throw an abort error: either way the client is gone.
    }
    expect(received).toBeGreaterThanOrEqual(3);
    const call = generator.calls.find((candidate) => candidate.request.userId === 'u-abort')!;
    await call.settled;
    expect(call.aborted).toBe(true);
  });

  it('reports my usage by day and model, totals to admins only, and exposes the ai metrics', async () => {
    generator.scripts.set('usage question', { tokens: ['a', ' b'] });
    const openai = await client('u-usage');
    await openai.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'usage question' }] });
    await openai.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'usage question' }, { role: 'assistant', content: 'a b' }, { role: 'user', content: 'usage question' }] });
    const user = await ai.issuer.bearer({ sub: 'u-usage' });
    const today = new Date().toISOString().slice(0, 10);
    const mine = await fetch(`${ai.platform.url}/api/ai/usage?from=${today}&to=${today}`, { headers: { authorization: user } });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toEqual({
      from: today, to: today,
      days: [{ day: today, model: 'test-model', requests: 2, promptTokens: 40, completionTokens: 4, costUsd: 0.00002 }],
      totals: { requests: 2, promptTokens: 40, completionTokens: 4, costUsd: 0.00002 },
    });
    const badRange = await fetch(`${ai.platform.url}/api/ai/usage?from=2026-02-30`, { headers: { authorization: user } });
    expect(badRange.status).toBe(400);
    expect(((await badRange.json()) as { code: string }).code).toBe('AI_USAGE_RANGE_INVALID');
    expect((await fetch(`${ai.platform.url}/api/ai/admin/usage`, { headers: { authorization: user } })).status).toBe(403);

    const admin = await fetch(`${ai.platform.url}/api/ai/admin/usage`, { headers: { authorization: await ai.issuer.bearer({ sub: 'the-admin', role: 'admin' }) } });
    expect(admin.status).toBe(200);
    const totals = (await admin.json()) as { users: number; byModel: unknown[]; totals: { requests: number } };
    expect(totals.users).toBeGreaterThanOrEqual(2);
    expect(totals.byModel).toEqual([expect.objectContaining({ model: 'test-model', provider: 'p1' })]);
    expect(totals.totals.requests).toBeGreaterThanOrEqual(2);

    const metrics = await (await fetch(`${ai.platform.url}/metrics`)).text();
    expect(metrics).toMatch(/versaai_ai_requests_total\{provider="p1",model="test-model",status="completed",source="api"\} \d+/);
    expect(metrics).toMatch(/versaai_ai_tokens_total\{provider="p1",model="test-model",direction="out"\} \d+/);
    expect(metrics).toMatch(/versaai_ai_time_to_first_token_seconds_count\{provider="p1",model="test-model"\} \d+/);
    expect(metrics).toMatch(/versaai_ai_queue_wait_seconds_count\{provider="p1"\} \d+/);
    expect(metrics).toMatch(/versaai_ai_cache_lookups_total\{result="shared"\} \d+/);
    expect(metrics).toContain('versaai_ai_in_flight{provider="p1"} 0');
  });
});
