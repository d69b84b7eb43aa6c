import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProblemError } from '@versaai/kernel';
import { startFakeLlm, waitFor, type FakeLlm } from '@versaai/testing';
import { retryDelayMs } from '../src/generation/backoff.ts';
import type { GenerationRequest } from '../src/generation/types.ts';
import { fakeDocument, recordingSink, startCoreHarness, type CoreHarness } from './generator-harness.ts';

const ask = (content: string, extra: Partial<GenerationRequest> = {}): GenerationRequest => ({
  messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content }], userId: 'u-1', plan: 'free', ...extra,
});
const live = () => new AbortController().signal;

describe.each(['openai', 'groq'] as const)('generator streaming from the fake %s upstream', (flavor) => {
  let llm: FakeLlm;
  let harness: CoreHarness;
  beforeAll(async () => {
    llm = await startFakeLlm({ flavor, apiKey: 'sk-fake' });
    harness = await startCoreHarness({ AI_PROVIDERS: fakeDocument(llm), FAKE_LLM_KEY: 'sk-fake' });
  });
  afterAll(async () => {
    await harness?.close();
    await llm?.close();
  });

  it('hands on deltas that concatenate to the content, with the usage the provider reported and its cost', async () => {
    llm.script({ text: 'The quick brown fox', tokenDelayMs: 2 });
    const { sink, deltas, starts } = recordingSink();
    const result = await harness.core.generator.generate(ask('Hi'), sink, live());
    expect(result).toMatchObject({ status: 'completed', model: 'primary', provider: 'fake', finishReason: 'stop', usageSource: 'reported' });
    expect(deltas.join('')).toBe('The quick brown fox');
    expect(result.content).toBe('The quick brown fox');
    expect(starts).toEqual([{ model: 'primary', provider: 'fake' }]);
    expect(result.usage.completionTokens).toBe(4);
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo((result.usage.promptTokens * 1 + result.usage.completionTokens * 2) / 1e6, 12);
    const request = llm.requests.at(-1)!;
    expect(request.body).toMatchObject({ model: 'up-primary', stream: true, stream_options: { include_usage: true }, max_tokens: 256 });
    expect(request.headers['x-provider']).toBe('fake');
  });
});

describe('generator resilience', () => {
  let llm: FakeLlm;
  let harness: CoreHarness | undefined;
  const start = async (env: Record<string, string> = {}) => {
    harness = await startCoreHarness({ AI_PROVIDERS: fakeDocument(llm), FAKE_LLM_KEY: 'sk-fake', ...env });
    return harness.core.generator;
  };
  beforeAll(async () => {
    llm = await startFakeLlm({ apiKey: 'sk-fake' });
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    llm.reset();
  });
  afterAll(async () => {
    await llm?.close();
  });

  it('waits out a 429 retry-after before retrying the same model', async () => {
    const generator = await start();
    llm.failNext({ status: 429, retryAfterSeconds: 1 });
    const { sink, deltas } = recordingSink();
    const result = await generator.generate(ask('Hello'), sink, live());
    expect(result).toMatchObject({ status: 'completed', model: 'primary', content: 'You said: Hello' });
    expect(deltas.join('')).toBe('You said: Hello');
    const [first, second] = llm.requests;
    expect(llm.requests).toHaveLength(2);
    expect(first!.status).toBe(429);
    expect(second!.model).toBe('up-primary');
    expect(second!.receivedAt.getTime() - first!.receivedAt.getTime()).toBeGreaterThanOrEqual(1000);
  });

  it('retries a 500, then falls back to the next model of the list (another provider)', async () => {
    const generator = await start();
    llm.scriptModel('up-primary', { status: 500 });
    const { sink, starts } = recordingSink();
    const result = await generator.generate(ask('Hello'), sink, live());
    expect(result).toMatchObject({ status: 'completed', model: 'backup', provider: 'fake-b', content: 'You said: Hello' });
    expect(starts).toEqual([{ model: 'backup', provider: 'fake-b' }]);
    expect(llm.requests.map((request) => [request.model, request.status])).toEqual([
      ['up-primary', 500], ['up-primary', 500], ['up-primary', 500], ['up-backup', 200],
    ]);
  });

  it('fails with the last failure when every model of the list fails', async () => {
    const generator = await start({ AI_UPSTREAM_RETRIES: '0' });
    llm.scriptModel('up-primary', { status: 503 });
    llm.scriptModel('up-backup', { status: 400 });
    const result = await generator.generate(ask('Hello'), recordingSink().sink, live());
    expect(result).toMatchObject({ status: 'failed', errorCode: 'AI_UPSTREAM_ERROR', content: '', costUsd: 0, usage: { promptTokens: 0, completionTokens: 0 } });
    expect(llm.requests.map((request) => request.model)).toEqual(['up-primary', 'up-backup']);
  });

  it('fails a stalled stream at the idle deadline, keeps the partial text, does not retry, aborts upstream', async () => {
    const generator = await start();
    llm.script({ text: 'one two three four five' });
    llm.failNext({ stallAfterTokens: 2 });
    const { sink, deltas } = recordingSink();
    const result = await generator.generate(ask('Hello'), sink, live());
    expect(result).toMatchObject({ status: 'failed', errorCode: 'AI_IDLE_TIMEOUT', content: 'one two', model: 'primary', usageSource: 'estimated' });
    expect(deltas.join('')).toBe('one two');
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(llm.requests).toHaveLength(1);
    expect(await llm.requests[0]!.settled).toBe('aborted');
  });

  it('fails a dropped stream with its partial text and never retries after the first token', async () => {
    const generator = await start();
    llm.script({ text: 'one two three four five' });
    llm.failNext({ dropAfterTokens: 3 });
    const result = await generator.generate(ask('Hello'), recordingSink().sink, live());
    expect(result).toMatchObject({ status: 'failed', errorCode: 'AI_UPSTREAM_ERROR', content: 'one two three' });
    expect(llm.requests).toHaveLength(1);
  });

  it('retries a connection dropped before the first token', async () => {
    const generator = await start();
    llm.failNext({ dropAfterTokens: 0 });
    const result = await generator.generate(ask('Hello'), recordingSink().sink, live());
    expect(result).toMatchObject({ status: 'completed', model: 'primary', content: 'You said: Hello' });
    expect(llm.requests.map((request) => request.outcome)).toEqual(['dropped', 'completed']);
  });

  it('hands the raw SSE data of the answering attempt to a pass-through, untouched', async () => {
    const generator = await start();
    llm.script({ text: 'raw bytes' });
    const raw: string[] = [];
    const { sink } = recordingSink();
    const result = await generator.generate(ask('Hello'), { ...sink, onRawData: (data) => raw.push(data) }, live());
    expect(result.status).toBe('completed');
    expect(raw.at(-1)).toBe('[DONE]');
    const contents = raw.slice(0, -1).map((data) => JSON.parse(data) as { choices: Array<{ delta?: { content?: string } }> })
      .map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    expect(contents).toBe('raw bytes');
  });

  it('moves on when the first token does not come in time', async () => {
    const generator = await start({ AI_FIRST_TOKEN_TIMEOUT: '1s', AI_UPSTREAM_RETRIES: '0' });
    llm.scriptModel('up-primary', { firstTokenDelayMs: 5_000 });
    const result = await generator.generate(ask('Hello'), recordingSink().sink, live());
    expect(result).toMatchObject({ status: 'completed', model: 'backup' });
    expect(await llm.requests[0]!.settled).toBe('aborted');
  });

  it('stops at the total deadline with the partial text', async () => {
    const generator = await start({ AI_TOTAL_TIMEOUT: '1s', AI_IDLE_TIMEOUT: '5s' });
    llm.script({ text: 'a b c d e f g h i j k l m n o p q r s t', tokenDelayMs: 100 });
    const result = await generator.generate(ask('Hello'), recordingSink().sink, live());
    expect(result.status).toBe('failed');
    expect(result.errorCode).toBe('AI_TOTAL_TIMEOUT');
    expect(result.content.length).toBeGreaterThan(0);
    expect('a b c d e f g h i j k l m n o p q r s t'.startsWith(result.content)).toBe(true);
    expect(await llm.requests[0]!.settled).toBe('aborted');
  });

  it('opens the circuit after repeated failures, refuses without calling, then a half-open probe closes it', async () => {
    const generator = await start({ AI_BREAKER_FAILURES: '3', AI_BREAKER_HALF_OPEN_AFTER: '300ms', AI_UPSTREAM_RETRIES: '0' });
    llm.scriptModel('up-solo', { status: 503 });
    for (let i = 0; i < 3; i += 1) {
      const failed = await generator.generate(ask('Hello', { model: 'solo' }), recordingSink().sink, live());
      expect(failed).toMatchObject({ status: 'failed', errorCode: 'AI_PROVIDER_UNAVAILABLE' });
    }
    expect(harness!.core.circuitStates().fake).toBe('open');
    const refused = await generator.generate(ask('Hello', { model: 'solo' }), recordingSink().sink, live());
    expect(refused).toMatchObject({ status: 'failed', errorCode: 'AI_CIRCUIT_OPEN' });
    expect(llm.requests).toHaveLength(3);

    llm.scriptModel('up-solo', null);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const changes: string[] = [];
    harness!.core.onCircuitStateChange((provider, state) => changes.push(`${provider}:${state}`));
    const recovered = await generator.generate(ask('Hello', { model: 'solo' }), recordingSink().sink, live());
    expect(recovered).toMatchObject({ status: 'completed', content: 'You said: Hello' });
    expect(changes).toEqual(['fake:half-open', 'fake:closed']);
    expect(harness!.core.circuitStates().fake).toBe('closed');
  });

  it('counts streams that stall after their first token towards opening the circuit', async () => {
    const generator = await start({ AI_BREAKER_FAILURES: '2', AI_IDLE_TIMEOUT: '200ms' });
    llm.script({ text: 'one two three four' });
    llm.failNext({ stallAfterTokens: 1 }, 2);
    for (let i = 0; i < 2; i += 1) {
      const stalled = await generator.generate(ask('Hello', { model: 'solo' }), recordingSink().sink, live());
      expect(stalled).toMatchObject({ status: 'failed', errorCode: 'AI_IDLE_TIMEOUT', content: 'one' });
    }
    await waitFor(() => (harness!.core.circuitStates().fake === 'open' ? true : undefined));
    const refused = await generator.generate(ask('Hello', { model: 'solo' }), recordingSink().sink, live());
    expect(refused).toMatchObject({ status: 'failed', errorCode: 'AI_CIRCUIT_OPEN' });
  });

  it('aborts the upstream request on cancel and returns the partial text as cancelled', async () => {
    const generator = await start();
    llm.script({ text: 'one two three four five six seven eight', tokenDelayMs: 30 });
    const controller = new AbortController();
    const { sink, deltas } = recordingSink((_text, count) => {
      if (count === 2) controller.abort();
    });
    const result = await generator.generate(ask('Hello'), sink, controller.signal);
    expect(result).toMatchObject({ status: 'cancelled', errorCode: 'AI_CANCELLED', finishReason: 'cancelled', content: 'one two' });
    expect(deltas.join('')).toBe('one two');
    expect(await llm.requests[0]!.settled).toBe('aborted');
    expect(llm.requests).toHaveLength(1);
  });

  it('hands on nothing after a cancel, even deltas that arrived in the same read', async () => {
    const generator = await start();
    llm.script({ text: 'one two three four five six seven eight' });
    const controller = new AbortController();
    const { sink, deltas } = recordingSink((_text, count) => {
      if (count === 2) controller.abort();
    });
    const result = await generator.generate(ask('Hello'), sink, controller.signal);
    expect(result).toMatchObject({ status: 'cancelled', content: 'one two' });
    expect(deltas).toEqual(['one', ' two']);
  });

  it('answers without streaming when asked to', async () => {
    const generator = await start();
    llm.script({ text: 'All at once' });
    const { sink, deltas } = recordingSink();
    const result = await generator.generate(ask('Hello'), sink, live(), { stream: false });
    expect(result).toMatchObject({ status: 'completed', content: 'All at once', usageSource: 'reported' });
    expect(deltas).toEqual(['All at once']);
    expect(llm.requests[0]!.stream).toBe(false);
  });

  it('resolves models by registry and plan before any call', async () => {
    const generator = await start();
    expect(generator.resolve(undefined, 'free').id).toBe('primary');
    expect(() => generator.resolve('nope', 'free')).toThrow(ProblemError);
    expect(() => generator.resolve('nope', 'free')).toThrow(expect.objectContaining({ status: 400, code: 'AI_MODEL_UNKNOWN' }));
    expect(() => generator.resolve('premium', 'free')).toThrow(expect.objectContaining({ status: 403, code: 'AI_MODEL_NOT_ALLOWED' }));
    expect(generator.resolve('premium', 'pro').id).toBe('premium');
    const result = await generator.generate(ask('Hello', { model: 'nope' }), recordingSink().sink, live());
    expect(result).toMatchObject({ status: 'failed', errorCode: 'AI_MODEL_UNKNOWN' });
    expect(llm.requests).toHaveLength(0);
  });
});

describe('retry delays', () => {
  const settings = { retries: 3, baseMs: 100, maxMs: 1_000, retryAfterMaxMs: 5_000 };
  it('draws full jitter under an exponential ceiling and never waits less than retry-after', () => {
    expect(retryDelayMs(0, settings, undefined, () => 0.5)).toBe(50);
    expect(retryDelayMs(3, settings, undefined, () => 0.999)).toBe(799);
    expect(retryDelayMs(10, settings, undefined, () => 0.999)).toBe(999);
    expect(retryDelayMs(0, settings, undefined, () => 0)).toBe(0);
    expect(retryDelayMs(0, settings, 2_000, () => 0.5)).toBe(2_000);
    expect(retryDelayMs(0, settings, 6_000, () => 0.5)).toBeUndefined();
  });
});
