import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@versaai/kernel';
import { createTestDatabase, createTestRedisPrefix, requireService, waitFor, type TestDatabase, type TestRedisPrefix } from '@versaai/testing';
import { insertJob, type ResponseJob } from '../src/jobs/responses-store.ts';
import { ResponseWorker } from '../src/worker/response-worker.ts';
import { startAiPlatform, type AiTestPlatform } from './support/ai-platform.ts';
import { ScriptedGenerator, scriptedCore } from './support/scripted-generator.ts';

const available = (await requireService('postgres', 'ai lease renewal')) && (await requireService('redis', 'ai lease renewal'));

const job = (id: string): ResponseJob => ({
  id, userId: 'u-lease', conversationId: `c-${id}`, messageId: `m-${id}`, request: { messages: [{ role: 'user', content: 'hi' }], generateTitle: false }, attempts: 1, quotaDay: null,
});

// A renewal extends the leases of the jobs held when it started. A job launched while its
// UPDATE was in flight was not in it: it was aborted as "taken over", so it stood leased and
// unfinished until its lease ran out (the 1,000-conversation bench saw answers stall ~30 s).
describe.skipIf(!available)('ai worker lease renewal', () => {
  let database: TestDatabase;
  let redis: TestRedisPrefix;
  let ai: AiTestPlatform;
  let worker: ResponseWorker;
  const aborted: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = createTestRedisPrefix();
    ai = await startAiPlatform(scriptedCore(new ScriptedGenerator()), { DATABASE_URL: database.url, REDIS_URL: redis.url, VERSAAI_REDIS_PREFIX: redis.prefix });
    worker = new ResponseWorker({
      ctx: ai.ctx, logger: createLogger({ service: 'test', level: 'silent' }), leaseMs: 60_000, sweepIntervalMs: 60_000, capacity: 10,
      // Runs until aborted, and says why it was.
      run: (held, signal) => new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          aborted.push(`${held.id}: ${String((signal.reason as Error).message)}`);
          resolve();
        }, { once: true });
      }),
    });
    await worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await ai?.stop();
    await database?.drop();
    await redis?.cleanup();
  });

  async function launch(id: string): Promise<void> {
    const lease = worker.reserve(id);
    expect(lease).toBeDefined();
    await insertJob(ai.ctx.db, job(id), Date.now(), lease);
    worker.intake(job(id), { committed: true, leased: true });
    await waitFor(() => worker.running >= 1 || undefined);
  }

  it('keeps a job launched while a renewal was in flight', async () => {
    await launch('r-first');
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // Another transaction holds r-first's row: the renewal's UPDATE waits for it.
    const blocker = ai.ctx.db.transaction().execute(async (trx) => {
      await sql`select id from responses where id = ${'r-first'} for update`.execute(trx);
      locked();
      await held;
    });
    await lockTaken;
    const renewal = (worker as unknown as { renew(): Promise<void> }).renew();
    await waitFor(async () => {
      const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like 'update "responses"%'`.execute(ai.ctx.db);
      return waiting.rows[0]!.n > 0 || undefined;
    });

    await launch('r-second');
    release();
    await blocker;
    await renewal;

    expect(worker.running).toBe(2);
    expect(aborted).toEqual([]);
  });
});
