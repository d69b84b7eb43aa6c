import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '@versaai/testing';
import { fitContext } from '../src/context/fit-context.ts';
import { estimatePromptTokens, estimateTextTokens, tokenizerFamily } from '../src/context/token-estimator.ts';
import type { ChatMessage } from '../src/generation/types.ts';
import { recordingSink, startCoreHarness, type CoreHarness } from './generator-harness.ts';

const turn = (n: number): ChatMessage[] => [
  { role: 'user', content: `question ${n} `.repeat(20) },
  { role: 'assistant', content: `answer ${n} `.repeat(20) },
];

describe('token estimator', () => {
  it('knows the families and counts conservatively', () => {
    expect(tokenizerFamily('gpt-4o-mini')).toBe('openai');
    expect(tokenizerFamily('openai/o3-mini')).toBe('openai');
    expect(tokenizerFamily('llama-3.3-70b-versatile')).toBe('llama');
    expect(tokenizerFamily('mistral-7b')).toBe('generic');
    // 400 ASCII characters: 100 "real" tokens for OpenAI's vocabularies, plus the 10 % margin.
    expect(estimateTextTokens('abcd'.repeat(100), 'openai')).toBe(110);
    // Non-ASCII characters count as a token each (CJK, emoji): never underestimated.
    expect(estimateTextTokens('日本語', 'openai')).toBe(4);
    expect(estimatePromptTokens([{ role: 'user', content: '' }], 'openai')).toBe(3 + 4 + 2);
  });
});

describe('fitting a conversation to the window', () => {
  const system: ChatMessage = { role: 'system', content: 'You are helpful.' };
  const history = [system, ...turn(1), ...turn(2), ...turn(3), { role: 'user' as const, content: 'newest question' }];

  it('keeps everything when it fits', () => {
    const fitted = fitContext(history, 100_000, 'openai')!;
    expect(fitted.messages).toEqual(history);
    expect(fitted.dropped).toBe(0);
    expect(fitted.promptTokens).toBe(estimatePromptTokens(history, 'openai'));
  });

  it('drops the oldest turns first, keeping the system prompt and the newest message', () => {
    const budget = estimatePromptTokens([system, ...turn(3), history.at(-1)!], 'openai');
    const fitted = fitContext(history, budget, 'openai')!;
    expect(fitted.messages).toEqual([system, ...turn(3), history.at(-1)!]);
    expect(fitted.dropped).toBe(4);
    expect(fitted.promptTokens).toBeLessThanOrEqual(budget);
  });

  it('never leaves a gap: once a turn does not fit, older ones stay out too', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y'.repeat(4000) }, { role: 'user', content: 'z' }];
    const fitted = fitContext(messages, 50, 'openai')!;
    expect(fitted.messages).toEqual([{ role: 'user', content: 'z' }]);
  });

  it('gives up when the system prompt and the newest message alone are too long', () => {
    expect(fitContext([system, { role: 'user', content: 'w'.repeat(10_000) }], 100, 'openai')).toBeUndefined();
  });
});

describe('the generator sends only what fits the model window', () => {
  let llm: FakeLlm;
  let harness: CoreHarness;
  beforeAll(async () => {
    llm = await startFakeLlm();
    harness = await startCoreHarness({
      AI_PROVIDERS: JSON.stringify({
        providers: [{ id: 'fake', baseUrl: llm.url }],
        models: [{ id: 'small', provider: 'fake', upstreamModel: 'llama-small', contextWindow: 600, maxOutputTokens: 100 }],
      }),
    });
  });
  afterAll(async () => {
    await harness?.close();
    await llm?.close();
  });

  it('truncates from the oldest turns to the window minus the reply budget', async () => {
    const messages: ChatMessage[] = [{ role: 'system', content: 'Be brief.' }];
    for (let n = 1; n <= 10; n += 1) messages.push(...turn(n));
    messages.push({ role: 'user', content: 'the newest question' });
    const result = await harness.core.generator.generate({ messages, userId: 'u', plan: 'free' }, recordingSink().sink, new AbortController().signal);
    expect(result.status).toBe('completed');
    const sent = (llm.requests[0]!.body as { messages: ChatMessage[]; max_tokens: number });
    expect(sent.max_tokens).toBe(100);
    expect(sent.messages[0]).toEqual(messages[0]);
    expect(sent.messages.at(-1)).toEqual({ role: 'user', content: 'the newest question' });
    expect(sent.messages.length).toBeLessThan(messages.length);
    // What was kept is the newest contiguous part of the conversation.
    expect(messages.slice(-(sent.messages.length - 1))).toEqual(sent.messages.slice(1));
    expect(estimatePromptTokens(sent.messages, 'llama')).toBeLessThanOrEqual(500);
  });

  it('fails without calling upstream when even the newest message does not fit', async () => {
    const before = llm.requests.length;
    const result = await harness.core.generator.generate({
      messages: [{ role: 'user', content: 'long '.repeat(1000) }], userId: 'u', plan: 'free',
    }, recordingSink().sink, new AbortController().signal);
    expect(result).toMatchObject({ status: 'failed', errorCode: 'AI_CONTEXT_TOO_LONG' });
    expect(llm.requests.length).toBe(before);
  });
});
