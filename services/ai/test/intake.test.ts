import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, type HandlerContext } from '@versaai/events';
import { createLogger } from '@versaai/kernel';
import { waitFor } from '@versaai/testing';
import { onMessageSent } from '../src/handlers/message-sent.ts';
import { jobStatus } from '../src/jobs/responses-store.ts';
import { ErasedUsers } from '../src/privacy/erased-users.ts';
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

  it('takes at most one quota counter per transaction, so transactions running at once never wait on each other in a cycle', async () => {
    const taken: string[] = [];
    const started: Array<{ id: string; startedAtIntake: boolean }> = [];
    const handler = onMessageSent(
      { reserve: () => ({ owner: 'test-owner', expiresAt: Date.now() + 60_000 }), intake: (job, outcome) => { if (outcome.committed) started.push({ id: job.id, startedAtIntake: job.startedAtIntake === true }); } },
      { take: async (_trx, userId) => { taken.push(userId); return '2026-01-01'; }, giveBack: async () => {} },
      new ErasedUsers(ai.ctx.database.dialect),
    );
    const sent = (responseId: string, userId: string) => createEvent('message.sent', {
      conversationId: `conv-${responseId}`, messageId: `msg-${responseId}`, responseId, userId, content: 'hi', history: [], parameters: {}, generateTitle: false,
    }, { source: 'chat', key: `conv-${responseId}` });
    const settled: Array<(committed: boolean) => void> = [];
    await ai.ctx.db.transaction().execute(async (trx) => {
      const context: HandlerContext = { trx, logger: createLogger({ service: 'ai-test', level: 'silent' }), publish: async () => {}, afterTransaction: (callback) => settled.push(callback) };
      await handler(sent('r-lane-1', 'u-lane-a'), context);
      await handler(sent('r-lane-2', 'u-lane-b'), context);
    });
    for (const callback of settled) callback(true);
    expect(taken).toEqual(['u-lane-a']);
    expect(started).toEqual([{ id: 'r-lane-1', startedAtIntake: true }, { id: 'r-lane-2', startedAtIntake: false }]);
    const rows = await ai.ctx.db.selectFrom('responses').select(['id', 'status', 'quota_day', 'lease_owner']).where('id', 'in', ['r-lane-1', 'r-lane-2']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'r-lane-1', status: 'running', quota_day: '2026-01-01', lease_owner: 'test-owner' },
      { id: 'r-lane-2', status: 'queued', quota_day: null, lease_owner: 'test-owner' },
    ]);
    // Leased to an owner that does not exist: finish them so the live worker never adopts them.
    await ai.ctx.db.updateTable('responses').set({ status: 'failed', lease_owner: null }).where('id', 'in', ['r-lane-1', 'r-lane-2']).execute();
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
