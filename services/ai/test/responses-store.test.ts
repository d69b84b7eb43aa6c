import { expect, it } from 'vitest';
import { eventsMigrations } from '@versaai/events';
import { migrate } from '@versaai/storage';
import { describeOnBothDialects } from '@versaai/testing';
import { aiMigrations } from '../src/migrations/index.ts';
import { claimJobs, finalizeJob, insertJob, jobStatus, renewLeases } from '../src/jobs/responses-store.ts';

const request = { messages: [{ role: 'user' as const, content: 'hi' }], generateTitle: false };

describeOnBothDialects('response jobs', (harness) => {
  // Each test its own database (SQLite file / PostgreSQL schema).
  async function open(name: string) {
    const database = await harness.open(name, { poolMax: 8 });
    await migrate(database, [...eventsMigrations, ...aiMigrations]);
    return database;
  }

  it('two workers claiming at once never take the same job', async () => {
    const { db } = await open('ai_race');
    for (let index = 0; index < 40; index++) await insertJob(db, { id: `job-${index}`, userId: 'u', conversationId: 'c', messageId: `m-${index}`, request });
    const claims = await Promise.all(Array.from({ length: 8 }, (_, worker) => claimJobs(db, { owner: `w${worker}`, leaseMs: 60_000, limit: 40 })));
    const ids = claims.flat().map((job) => job.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect(claims.flat().every((job) => job.attempts === 1)).toBe(true);
  });

  it('inserting the same job twice keeps the first; an expired lease is adopted; only the lease owner finalizes, once', async () => {
    const { db } = await open('ai_lease');
    await insertJob(db, { id: 'j1', userId: 'u', conversationId: 'c', messageId: 'm', request });
    await insertJob(db, { id: 'j1', userId: 'other', conversationId: 'c', messageId: 'm', request });
    const [claimed] = await claimJobs(db, { owner: 'dead', leaseMs: 1_000, limit: 10, ids: ['j1'], now: 10_000 });
    expect(claimed).toMatchObject({ id: 'j1', userId: 'u', request });
    // Still leased: nobody else takes it.
    expect(await claimJobs(db, { owner: 'alive', leaseMs: 1_000, limit: 10, now: 10_500 })).toEqual([]);
    // Expired: adopted, and the attempt counted.
    const [adopted] = await claimJobs(db, { owner: 'alive', leaseMs: 60_000, limit: 10, now: 11_001 });
    expect(adopted).toMatchObject({ id: 'j1', attempts: 2 });
    expect(await renewLeases(db, 'dead', ['j1'], 1_000)).toEqual(new Set());
    expect(await renewLeases(db, 'alive', ['j1', 'unknown'], 60_000)).toEqual(new Set(['j1']));
    expect(await finalizeJob(db, 'j1', 'dead', 'completed')).toBe(false);
    expect(await finalizeJob(db, 'j1', 'alive', 'completed')).toBe(true);
    expect(await finalizeJob(db, 'j1', 'alive', 'failed')).toBe(false);
    expect(await jobStatus(db, 'j1')).toEqual({ status: 'completed', attempts: 2 });
    expect(await claimJobs(db, { owner: 'late', leaseMs: 1_000, limit: 10, now: Date.now() + 3_600_000 })).toEqual([]);

    // A process whose own lease lapsed while it was busy does not adopt the job it is running.
    await insertJob(db, { id: 'j2', userId: 'u', conversationId: 'c', messageId: 'm2', request });
    await claimJobs(db, { owner: 'busy', leaseMs: 1_000, limit: 10, ids: ['j2'], now: 20_000 });
    expect(await claimJobs(db, { owner: 'busy', leaseMs: 1_000, limit: 10, running: ['j2'], now: 30_000 })).toEqual([]);
  });
});
