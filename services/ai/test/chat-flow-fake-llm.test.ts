import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, waitFor, type FakeLlm } from '@versaai/testing';
import type { StreamEntry } from '@versaai/storage';
import { aiService } from '../src/index.ts';
import { startAiPlatform, type AiTestPlatform } from './support/ai-platform.ts';

function textOf(entries: StreamEntry[]): string {
  return entries.map((entry) => (entry.event.type === 'delta' ? entry.event.text : '')).join('');
}

// The real ai service (registry, OpenAI-compatible provider, generator) against the fake LLM.
describe('chat flow through the real generator and the fake LLM', () => {
  let llm: FakeLlm;
  let ai: AiTestPlatform;

  beforeAll(async () => {
    llm = await startFakeLlm({ apiKey: 'sk-upstream' });
    ai = await startAiPlatform(aiService, { OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: llm.url, AI_DEFAULT_MODEL: 'gpt-4o-mini' });
  });
  afterAll(async () => {
    await ai?.stop();
    await llm?.close();
  });

  const final = (responseId: string) => waitFor(async () => ai.events.find((event) => event.type === 'ai.response.generated' && (event.data as { responseId: string }).responseId === responseId), { timeoutMs: 15_000 });

  it('answers with the upstream\'s text, usage and cost; the stream carries the same text', async () => {
    await ai.send({ responseId: 'real-1', userId: 'u1', content: 'hello upstream' });
    const event = await final('real-1');
    expect(event.data).toMatchObject({ status: 'completed', content: 'You said: hello upstream', model: 'gpt-4o-mini', provider: 'openai', finishReason: 'stop' });
    expect((event.data as { usage: { completionTokens: number } }).usage.completionTokens).toBeGreaterThan(0);
    expect((event.data as { costUsd: number }).costUsd).toBeGreaterThan(0);
    expect(textOf(await ai.ctx.responseStreams.read('real-1'))).toBe('You said: hello upstream');
  });

  it('cancel: the fake upstream sees the abort and the answer ends cancelled with its partial text', async () => {
    llm.script({ tokenCount: 400, tokenDelayMs: 10, text: 'lorem ipsum dolor sit amet' });
    await ai.send({ responseId: 'real-cancel', userId: 'u2', content: 'talk for a while' });
    await waitFor(async () => (textOf(await ai.ctx.responseStreams.read('real-cancel')).length > 0 ? true : undefined), { timeoutMs: 15_000, intervalMs: 10 });
    await ai.ctx.responseStreams.requestCancel('real-cancel');
    const event = await final('real-cancel');
    const data = event.data as { status: string; content: string };
    expect(data.status).toBe('cancelled');
    expect(data.content.length).toBeGreaterThan(0);
    expect(data.content.split(' ').length).toBeLessThan(400);
    const upstream = llm.requests.filter((request) => request.path.endsWith('/chat/completions')).at(-1)!;
    expect(await upstream.settled).toBe('aborted');
    const entries = await ai.ctx.responseStreams.read('real-cancel');
    expect(entries.at(-1)!.event).toMatchObject({ type: 'end', status: 'cancelled' });
    expect(textOf(entries)).toBe(data.content);
    llm.reset();
  });
});
