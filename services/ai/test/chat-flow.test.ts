import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@versaai/testing';
import type { StreamEntry } from '@versaai/storage';
import { insertJob, jobStatus } from '../src/jobs/responses-store.ts';
import { startAiPlatform, type AiTestPlatform } from './support/ai-platform.ts';
import { ScriptedGenerator, scriptedCore } from './support/scripted-generator.ts';

function finalEvents(ai: AiTestPlatform, responseId: string) {
  return ai.events.filter((event) => event.type === 'ai.response.generated' && (event.data as { responseId: string }).responseId === responseId);
}

async function awaitFinal(ai: AiTestPlatform, responseId: string) {
  return waitFor(async () => finalEvents(ai, responseId)[0], { timeoutMs: 10_000 });
}

function textOf(entries: StreamEntry[]): string {
  let text = '';
  for (const entry of entries) {
    if (entry.event.type === 'reset') text = '';
    if (entry.event.type === 'delta') text += entry.event.text;
  }
  return text;
}

describe('chat flow: message.sent → job → stream → ai.response.generated', () => {
  const generator = new ScriptedGenerator();
  let ai: AiTestPlatform;

  beforeAll(async () => {
    ai = await startAiPlatform(scriptedCore(generator), {
      AI_PLANS: JSON.stringify({ free: { dailyMessages: 5, dailyTokens: 100_000, priority: 0 } }),
      // One call at a time and one waiting request per user: the shedding test fills both.
      AI_DEFAULT_PROVIDER_CONCURRENCY: '1', AI_QUEUE_MAX_PER_USER: '1',
      AI_WORKER_SWEEP_INTERVAL: '100ms',
    });
  });
  afterAll(async () => {
    await ai?.stop();
  });

  it('streams status, coalesced deltas and end, then publishes exactly one final event with usage', async () => {
    generator.scripts.set('stream me', { tokens: ['One', ' two', ' three'], tokenDelayMs: 2 });
    await ai.send({ responseId: 'r-basic', userId: 'u-basic', content: 'stream me', history: [{ role: 'user', content: 'earlier' }, { role: 'assistant', content: 'ok' }] });
    const final = await awaitFinal(ai, 'r-basic');
    expect(final.data).toMatchObject({
      responseId: 'r-basic', messageId: 'msg-r-basic', conversationId: 'conv-r-basic', userId: 'u-basic',
      status: 'completed', content: 'One two three', model: 'test-model', provider: 'p1', finishReason: 'stop', cached: false,
    });
    const entries = await ai.ctx.responseStreams.read('r-basic');
    expect(entries[0]!.event).toEqual({ type: 'status', status: 'queued' });
    expect(entries[1]!.event).toEqual({ type: 'status', status: 'streaming', model: 'test-model', provider: 'p1' });
    expect(entries.at(-1)!.event).toEqual({ type: 'end', status: 'completed', finishReason: 'stop' });
    expect(textOf(entries)).toBe('One two three');
    // The model saw the history, then the new message.
    const call = generator.calls.find((candidate) => candidate.request.messages.at(-1)?.content === 'stream me')!;
    expect(call.request.messages.map((message) => message.content)).toEqual(['earlier', 'ok', 'stream me']);
    expect(await jobStatus(ai.ctx.db, 'r-basic')).toEqual({ status: 'completed', attempts: 1 });

    const usage = await ai.ctx.db.selectFrom('ai_usage').selectAll().where('id', '=', 'r-basic').executeTakeFirstOrThrow();
    expect(usage).toMatchObject({ user_id: 'u-basic', model: 'test-model', source: 'chat', status: 'completed', prompt_tokens: 30, completion_tokens: 3 });
  });

  it('a redelivered message.sent does not start a second answer', async () => {
    await ai.send({ responseId: 'r-dup', userId: 'u-dup' });
    await awaitFinal(ai, 'r-dup');
    await ai.send({ responseId: 'r-dup', userId: 'u-dup' });
    await ai.send({ responseId: 'r-probe', userId: 'u-dup' });
    await awaitFinal(ai, 'r-probe');
    expect(finalEvents(ai, 'r-dup')).toHaveLength(1);
    expect(generator.calls.filter((call) => call.request.userId === 'u-dup')).toHaveLength(2);
  });

  it('cancel aborts the running generation: the answer ends cancelled with its partial text', async () => {
    generator.scripts.set('slow one', { tokens: Array.from({ length: 200 }, (_, index) => ` t${index}`), tokenDelayMs: 10 });
    await ai.send({ responseId: 'r-cancel', userId: 'u-cancel', content: 'slow one' });
    await waitFor(async () => (textOf(await ai.ctx.responseStreams.read('r-cancel')).length > 0 ? true : undefined), { timeoutMs: 10_000 });
    await ai.ctx.responseStreams.requestCancel('r-cancel');
    const final = await awaitFinal(ai, 'r-cancel');
    expect(final.data).toMatchObject({ status: 'cancelled', errorCode: 'AI_CANCELLED' });
    const content = (final.data as { content: string }).content;
    expect(content.length).toBeGreaterThan(0);
    expect(content.length).toBeLessThan(200 * 4);
    expect(generator.calls.find((call) => call.request.userId === 'u-cancel')!.aborted).toBe(true);
    const entries = await ai.ctx.responseStreams.read('r-cancel');
    expect(entries.at(-1)!.event).toMatchObject({ type: 'end', status: 'cancelled' });
    expect(textOf(entries)).toBe(content);
  });

  it('a cancel requested before the job starts ends it cancelled without calling the model', async () => {
    await ai.ctx.responseStreams.requestCancel('r-early');
    await ai.send({ responseId: 'r-early', userId: 'u-early' });
    const final = await awaitFinal(ai, 'r-early');
    expect(final.data).toMatchObject({ status: 'cancelled', content: '' });
    expect(generator.calls.some((call) => call.request.userId === 'u-early')).toBe(false);
  });

  it('an unknown model fails with the registry\'s code', async () => {
    await ai.send({ responseId: 'r-unknown', userId: 'u-unknown', model: 'nope' });
    expect((await awaitFinal(ai, 'r-unknown')).data).toMatchObject({ status: 'failed', errorCode: 'AI_MODEL_UNKNOWN', model: 'nope', provider: 'none' });
  });

  it('the daily quota fails answers beyond it with AI_QUOTA_EXCEEDED', async () => {
    for (let index = 0; index < 6; index++) await ai.send({ responseId: `r-quota-${index}`, userId: 'u-quota', conversationId: 'c-quota' });
    const finals = await Promise.all(Array.from({ length: 6 }, (_, index) => awaitFinal(ai, `r-quota-${index}`)));
    const statuses = finals.map((event) => (event.data as { status: string; errorCode?: string }).errorCode ?? 'ok');
    expect(statuses.filter((status) => status === 'ok')).toHaveLength(5);
    expect(statuses.filter((status) => status === 'AI_QUOTA_EXCEEDED')).toHaveLength(1);
  });

  it('temperature 0 answers come from the cache the second time, replayed as a stream', async () => {
    generator.scripts.set('deterministic', { tokens: ['Same', ' answer'] });
    await ai.send({ responseId: 'r-cache-1', userId: 'u-cache', content: 'deterministic', parameters: { temperature: 0 } });
    await awaitFinal(ai, 'r-cache-1');
    await ai.send({ responseId: 'r-cache-2', userId: 'u-cache', content: 'deterministic', parameters: { temperature: 0 } });
    const second = await awaitFinal(ai, 'r-cache-2');
    expect(second.data).toMatchObject({ status: 'completed', content: 'Same answer', cached: true, costUsd: 0 });
    expect(generator.calls.filter((call) => call.request.userId === 'u-cache')).toHaveLength(1);
    expect(textOf(await ai.ctx.responseStreams.read('r-cache-2'))).toBe('Same answer');
    // Another user asking the same gets their own answer (the cache is per tenant).
    await ai.send({ responseId: 'r-cache-3', userId: 'u-cache-other', content: 'deterministic', parameters: { temperature: 0 } });
    expect((await awaitFinal(ai, 'r-cache-3')).data).toMatchObject({ cached: false });
  });

  it('the first exchange gets a title', async () => {
    // The title prompt quotes the exchange: its script is matched first.
    generator.scripts.set('User: Write me a poem', { tokens: ['"Poem', ' request"'] });
    generator.scripts.set('Write me a poem', { tokens: ['A', ' poem'] });
    await ai.send({ responseId: 'r-title', userId: 'u-title', conversationId: 'c-title', content: 'Write me a poem about the sea', generateTitle: true });
    const title = await waitFor(async () => ai.events.find((event) => event.type === 'conversation.title.generated' && (event.data as { conversationId: string }).conversationId === 'c-title'), { timeoutMs: 10_000 });
    expect(title.data).toEqual({ conversationId: 'c-title', userId: 'u-title', title: 'Poem request' });
  });

  it('a user\'s full queue sheds the next answer as AI_QUEUE_FULL and gives its quota back', async () => {
    generator.scripts.set('shed me', { tokens: Array.from({ length: 40 }, (_, index) => ` s${index}`), tokenDelayMs: 10 });
    for (let index = 0; index < 3; index++) await ai.send({ responseId: `r-shed-${index}`, userId: 'u-shed', conversationId: `c-shed-${index}`, content: 'shed me' });
    const finals = await Promise.all([0, 1, 2].map((index) => awaitFinal(ai, `r-shed-${index}`)));
    const codes = finals.map((event) => (event.data as { errorCode?: string }).errorCode ?? 'completed').sort();
    expect(codes).toEqual(['AI_QUEUE_FULL', 'completed', 'completed']);
    const counter = await ai.ctx.db.selectFrom('ai_quota_counters').select('messages').where('user_id', '=', 'u-shed').executeTakeFirstOrThrow();
    expect(Number(counter.messages)).toBe(2);
  });

  it('an attempt that streamed its whole answer and died before its final commit is finished from the stream, not answered again', async () => {
    const ref = { responseId: 'r-recover', conversationId: 'c-recover', userId: 'u-recover' };
    await ai.ctx.responseStreams.append(ref, [
      { type: 'status', status: 'queued' },
      { type: 'status', status: 'streaming', model: 'test-model', provider: 'p1' },
      { type: 'delta', text: 'Already ' },
      { type: 'delta', text: 'done' },
      { type: 'end', status: 'completed', finishReason: 'stop' },
    ]);
    // The row as the dead process left it: open, its lease expired (0), the quota charged.
    await insertJob(ai.ctx.db, { id: 'r-recover', userId: 'u-recover', conversationId: 'c-recover', messageId: 'm-recover', request: { messages: [{ role: 'user', content: 'recover me' }], generateTitle: false } });
    await ai.ctx.db.updateTable('responses').set({ attempts: 1, quota_day: new Date().toISOString().slice(0, 10) }).where('id', '=', 'r-recover').execute();
    const final = await awaitFinal(ai, 'r-recover');
    expect(final.data).toMatchObject({ status: 'completed', content: 'Already done', model: 'test-model', provider: 'p1', finishReason: 'stop' });
    expect((final.data as { usage: { completionTokens: number } }).usage.completionTokens).toBeGreaterThan(0);
    expect(generator.calls.some((call) => call.request.userId === 'u-recover')).toBe(false);
    const entries = await ai.ctx.responseStreams.read('r-recover');
    expect(entries).toHaveLength(5);
    expect(await jobStatus(ai.ctx.db, 'r-recover')).toEqual({ status: 'completed', attempts: 2 });
  });
});
