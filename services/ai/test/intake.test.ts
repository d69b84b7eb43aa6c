import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@versaai/testing';
import { jobStatus } from '../src/jobs/responses-store.ts';
import { startAiPlatform, type AiTestPlatform } from './support/ai-platform.ts';
import { ScriptedGenerator, scriptedCore } from './support/scripted-generator.ts';

async function leaseOf(ai: AiTestPlatform, responseId: string) {
  return ai.ctx.db.selectFrom('responses').select(['lease_owner', 'attempts', 'status']).where('id', '=', responseId).executeTakeFirst();
}

async function messagesCounted(ai: AiTestPlatform, userId: string): Promise<number> {
  const row = await ai.ctx.db.selectFrom('ai_quota_counters').select('messages').where('user_id', '=', userId).executeTakeFirst();
  return Number(row?.messages ?? 0);
}

async function awaitFinal(ai: AiTestPlatform, responseId: string) {
  return waitFor(async () => ai.events.find((event) => event.type === 'ai.response.generated' && (event.data as { responseId: string }).responseId === responseId), { timeoutMs: 10_000 });
}

describe('message.sent intake', () => {
  const generator = new ScriptedGenerator();
  let ai: AiTestPlatform;

  beforeAll(async () => {
    // Room for one job in this process: a second one must wait in the table.
    ai = await startAiPlatform(scriptedCore(generator), { AI_QUEUE_MAX: '1', AI_QUEUE_MAX_PER_USER: '1', AI_WORKER_SWEEP_INTERVAL: '100ms' });
  });
  afterAll(async () => {
    await ai?.stop();
  });

  it('inserts the job already leased to this process when it has room, and runs it after the commit', async () => {
    generator.scripts.set('leased', { tokens: ['a', 'b', 'c', 'd'], tokenDelayMs: 50 });
    await ai.send({ responseId: 'r-leased', userId: 'u-leased', content: 'leased' });
    const row = await waitFor(async () => leaseOf(ai, 'r-leased'));
    // Born claimed: no claim statement had to run for the worker to hold it.
    expect(row.lease_owner).not.toBeNull();
    expect(Number(row.attempts)).toBe(1);
    expect(row.status).toBe('running');
    expect((await awaitFinal(ai, 'r-leased')).data).toMatchObject({ status: 'completed', content: 'abcd' });
    expect(await jobStatus(ai.ctx.db, 'r-leased')).toEqual({ status: 'completed', attempts: 1 });
  });

  it('takes the message from the quota with the insert, and gives it back when the answer never reached the model', async () => {
    generator.scripts.set('counted', { tokens: ['o', 'k'] });
    await ai.send({ responseId: 'r-counted', userId: 'u-counted', content: 'counted' });
    expect((await awaitFinal(ai, 'r-counted')).data).toMatchObject({ status: 'completed' });
    expect(await messagesCounted(ai, 'u-counted')).toBe(1);
    await ai.ctx.responseStreams.requestCancel('r-cancelled-early');
    await ai.send({ responseId: 'r-cancelled-early', userId: 'u-counted' });
    expect((await awaitFinal(ai, 'r-cancelled-early')).data).toMatchObject({ status: 'cancelled' });
    await ai.send({ responseId: 'r-no-model', userId: 'u-counted', model: 'nope' });
    expect((await awaitFinal(ai, 'r-no-model')).data).toMatchObject({ status: 'failed', errorCode: 'AI_MODEL_UNKNOWN' });
    expect(await messagesCounted(ai, 'u-counted')).toBe(1);
    const usage = await ai.ctx.db.selectFrom('ai_usage').select('id').where('user_id', '=', 'u-counted').execute();
    expect(usage.map((row) => row.id)).toEqual(['r-counted']);
  });

  it('inserts the job unclaimed while this process is full, and runs it once a slot frees up', async () => {
    generator.scripts.set('slow', { tokens: ['s', 'l', 'o', 'w'], tokenDelayMs: 100 });
    generator.scripts.set('waiting', { tokens: ['w', 'a', 'i', 't'] });
    await ai.send({ responseId: 'r-slow', userId: 'u-slow', content: 'slow' });
    await waitFor(async () => ((await jobStatus(ai.ctx.db, 'r-slow'))?.status === 'running' ? true : undefined));
    await ai.send({ responseId: 'r-waiting', userId: 'u-waiting', content: 'waiting' });
    const waiting = await waitFor(async () => leaseOf(ai, 'r-waiting'));
    expect(waiting).toMatchObject({ lease_owner: null });
    expect(Number(waiting.attempts)).toBe(0);
    expect((await awaitFinal(ai, 'r-waiting')).data).toMatchObject({ status: 'completed', content: 'wait' });
    expect((await awaitFinal(ai, 'r-slow')).data).toMatchObject({ status: 'completed', content: 'slow' });
    expect(await jobStatus(ai.ctx.db, 'r-waiting')).toEqual({ status: 'completed', attempts: 1 });
  });
});
