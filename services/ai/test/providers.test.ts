import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { estimatePromptTokens, startFakeLlm, type FakeLlm } from '@versaai/testing';
import { createOpenAiCompatibleProvider } from '../src/providers/openai-compatible.ts';
import { createOfflineProvider } from '../src/providers/offline.ts';
import { parseRetryAfter, retryAfterOf } from '../src/providers/retry-after.ts';
import { ProviderError, type ProviderAdapter } from '../src/providers/types.ts';

const messages = [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Hello there' }];

describe.each(['openai', 'groq'] as const)('OpenAI-compatible adapter against the fake %s upstream', (flavor) => {
  let llm: FakeLlm;
  let provider: ProviderAdapter;

  beforeAll(async () => {
    llm = await startFakeLlm({ flavor, apiKey: 'sk-test' });
    provider = createOpenAiCompatibleProvider({ id: flavor, baseUrl: llm.url, apiKey: 'sk-test', headers: { 'x-extra': 'yes' }, connections: 4 });
  });
  afterAll(async () => {
    await provider.close();
    await llm.close();
  });
  afterEach(() => llm.reset());

  it('streams deltas that concatenate to the reply and reads the usage the provider reports', async () => {
    llm.script({ text: 'One two three four', tokenDelayMs: 2 });
    const deltas: string[] = [];
    const raw: string[] = [];
    const outcome = await provider.stream({ upstreamModel: 'm-1', messages, maxTokens: 100 }, {
      onDelta: (text) => deltas.push(text), onRawData: (data) => raw.push(data),
    }, new AbortController().signal);
    expect(deltas.join('')).toBe('One two three four');
    expect(deltas.length).toBe(4);
    expect(outcome).toEqual({ finishReason: 'stop', usage: { promptTokens: estimatePromptTokens(messages), completionTokens: 4 }, usageSource: 'reported' });
    expect(raw.at(-1)).toBe('[DONE]');
    expect(JSON.parse(raw[1]!).choices[0].delta.content).toBe('One');

    const [request] = llm.requests;
    expect(request!.headers.authorization).toBe('Bearer sk-test');
    expect(request!.headers['x-extra']).toBe('yes');
    expect(request!.body).toMatchObject({ model: 'm-1', stream: true, stream_options: { include_usage: true }, max_tokens: 100, messages });
  });

  it('answers without streaming', async () => {
    llm.script({ text: 'Whole answer' });
    const answer = await provider.complete({ upstreamModel: 'm-1', messages, maxTokens: 100, temperature: 0 }, new AbortController().signal);
    expect(answer).toMatchObject({ content: 'Whole answer', finishReason: 'stop', usage: { completionTokens: 2 }, usageSource: 'reported' });
    expect(llm.requests[0]!.body).toMatchObject({ stream: false, temperature: 0 });
  });

  it('reports HTTP failures with their status and retry-after', async () => {
    llm.failNext({ status: 429, retryAfterSeconds: 2 });
    const error = await provider.stream({ upstreamModel: 'm-1', messages, maxTokens: 10 }, { onDelta: () => undefined }, new AbortController().signal)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'http', status: 429, retryAfterMs: 2000 });
    expect((error as Error).message).toContain('Rate limit');
  });

  it('reports a stream cut mid-way as a network failure after the deltas it had', async () => {
    llm.script({ text: 'a b c d e f' });
    llm.failNext({ dropAfterTokens: 2 });
    const deltas: string[] = [];
    const error = await provider.stream({ upstreamModel: 'm-1', messages, maxTokens: 10 }, { onDelta: (text) => deltas.push(text) }, new AbortController().signal)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'network' });
    expect(deltas.join('')).toBe('a b');
  });

  it('aborts the upstream request when the signal aborts', async () => {
    llm.script({ text: 'a b c d e f', tokenDelayMs: 1000 });
    const controller = new AbortController();
    const pending = provider.stream({ upstreamModel: 'm-1', messages, maxTokens: 10 }, { onDelta: () => controller.abort() }, controller.signal);
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
    const [request] = await llm.waitForRequests(1);
    expect(await request!.settled).toBe('aborted');
  });
});

describe('OpenAI-compatible adapter against a server that breaks the protocol', () => {
  let server: Server;
  let provider: ProviderAdapter;
  let closed: Promise<void>;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      closed = new Promise((resolve) => response.once('close', () => resolve()));
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // One good chunk, then garbage; the connection stays open as a stalled server's would.
      response.write('data: {"choices":[{"delta":{"content":"ok"}}]}\n\ndata: not json\n\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    provider = createOpenAiCompatibleProvider({ id: 'broken', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, connections: 1 });
  });
  afterAll(async () => {
    await provider.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('an event that is not JSON fails the stream as a protocol error and closes the upstream request', async () => {
    const deltas: string[] = [];
    const error = await provider.stream({ upstreamModel: 'm-1', messages, maxTokens: 10 }, { onDelta: (text) => deltas.push(text) }, new AbortController().signal)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'protocol' });
    expect(deltas).toEqual(['ok']);
    await closed;
  });

  it('a handler that throws fails the stream instead of escaping into the HTTP client', async () => {
    const error = await provider.stream({ upstreamModel: 'm-1', messages, maxTokens: 10 }, { onDelta: () => { throw new Error('sink broke'); } }, new AbortController().signal)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toContain('sink broke');
    await closed;
  });
});

describe('offline provider', () => {
  it('streams an honest deterministic reply, in Spanish for a Spanish message, with estimated usage', async () => {
    const provider = createOfflineProvider({ tokenDelayMs: 0 });
    const english: string[] = [];
    const outcome = await provider.stream({ upstreamModel: 'versaai-offline', messages: [{ role: 'user', content: 'Hi!' }], maxTokens: 1000 },
      { onDelta: (text) => english.push(text) }, new AbortController().signal);
    expect(english.length).toBeGreaterThan(20);
    expect(english.join('')).toContain('no AI provider configured');
    expect(english.join('')).toContain('GROQ_API_KEY');
    expect(outcome.usageSource).toBe('estimated');
    expect(outcome.usage?.completionTokens).toBe(english.length);

    const spanish: string[] = [];
    await provider.stream({ upstreamModel: 'versaai-offline', messages: [{ role: 'user', content: '¿Qué tal estás hoy?' }], maxTokens: 1000 },
      { onDelta: (text) => spanish.push(text) }, new AbortController().signal);
    expect(spanish.join('')).toContain('ningún proveedor de IA configurado');
    const again: string[] = [];
    await provider.stream({ upstreamModel: 'versaai-offline', messages: [{ role: 'user', content: '¿Qué tal estás hoy?' }], maxTokens: 1000 },
      { onDelta: (text) => again.push(text) }, new AbortController().signal);
    expect(again).toEqual(spanish);
  });
});

describe('retry-after', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(retryAfterOf({ 'retry-after-ms': '1500', 'retry-after': '2' }, now)).toBe(1500);
    expect(retryAfterOf({ 'retry-after-ms': 'x', 'retry-after': '2' }, now)).toBe(2000);
  });
});
