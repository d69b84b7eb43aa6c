import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEntry } from '@versaai/storage';
import { createTestDatabase, createTestRedisPrefix, requireService, waitFor, type TestDatabase, type TestRedisPrefix } from '@versaai/testing';
import { jobStatus } from '../src/jobs/responses-store.ts';
import { startAiPlatform, type AiTestPlatform } from './support/ai-platform.ts';
import { ScriptedGenerator, scriptedCore } from './support/scripted-generator.ts';

const available = (await requireService('postgres', 'ai graceful hand-off')) && (await requireService('redis', 'ai graceful hand-off'));

function textAfterLastReset(entries: StreamEntry[]): string {
  let text = '';
  for (const entry of entries) {
    if (entry.event.type === 'reset') text = '';
    if (entry.event.type === 'delta') text += entry.event.text;
  }
  return text;
}

// Two replicas of the ai service on PostgreSQL + Redis. The one answering is stopped
// gracefully mid-answer: it gives its lease back, and the other replica takes the job over at
// once — long before the lease (30 s) would have expired.
describe.skipIf(!available)('graceful shutdown hands running answers to another replica', () => {
  let database: TestDatabase;
  let redis: TestRedisPrefix;
  let first: AiTestPlatform | undefined;
  let second: AiTestPlatform | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = createTestRedisPrefix();
  });
  afterAll(async () => {
    await first?.stop().catch(() => {});
    await second?.stop();
    await redis?.cleanup();
    await database?.drop();
  });

  it('the other replica adopts the job at once, after a reset, and finishes it once', async () => {
    const tokens = Array.from({ length: 60 }, (_, index) => ` t${index}`);
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, VERSAAI_REDIS_PREFIX: redis.prefix, AI_LEASE: '30s', AI_WORKER_SWEEP_INTERVAL: '100ms' };
    const firstGenerator = new ScriptedGenerator();
    firstGenerator.script = { tokens, tokenDelayMs: 25 };
    const secondGenerator = new ScriptedGenerator();
    secondGenerator.script = { tokens };
    first = await startAiPlatform(scriptedCore(firstGenerator), env);
    await first.send({ responseId: 'handoff-1', userId: 'u-handoff' });
    await waitFor(async () => ((await first!.ctx.responseStreams.read('handoff-1')).some((entry) => entry.event.type === 'delta') ? true : undefined), { intervalMs: 10 });

    second = await startAiPlatform(scriptedCore(secondGenerator), env);
    await first.stop();
    first = undefined;
    expect(firstGenerator.calls[0]!.aborted).toBe(true);

    const final = await waitFor(async () => second!.events.find((event) => (event.data as { responseId: string }).responseId === 'handoff-1'), { timeoutMs: 15_000 });
    expect(final.data).toMatchObject({ status: 'completed', content: tokens.join('') });
    expect(secondGenerator.calls).toHaveLength(1);
    const entries = await second.ctx.responseStreams.read('handoff-1');
    expect(entries.filter((entry) => entry.event.type === 'reset')).toHaveLength(1);
    expect(entries.filter((entry) => entry.event.type === 'end')).toEqual([expect.objectContaining({ event: expect.objectContaining({ status: 'completed' }) })]);
    expect(textAfterLastReset(entries)).toBe(tokens.join(''));
    expect(await jobStatus(second.ctx.db, 'handoff-1')).toEqual({ status: 'completed', attempts: 2 });
  });
});
