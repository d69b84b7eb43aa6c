import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent, type EventEnvelope } from '@versaai/events';
import { describeOnBothDialects, waitFor } from '@versaai/testing';
import { accountCompletion } from '../src/openai-api/account-completion.ts';
import { ErasedUsers } from '../src/privacy/erased-users.ts';
import { takeMessage } from '../src/quota/quota-store.ts';
import { utcDay } from '../src/quota/utc-day.ts';
import { startAiPlatform, type AiTestPlatform } from './support/ai-platform.ts';
import { ScriptedGenerator, scriptedCore } from './support/scripted-generator.ts';

describeOnBothDialects('ai: privacy export and erasure', (harness) => {
  const generator = new ScriptedGenerator();
  let ai: AiTestPlatform;
  const erin = 'user-erin-privacy-0001';
  const fred = 'user-fred-privacy-0002';

  const finished = (responseId: string) => waitFor(async () => ai.events.find((event) =>
    event.type === 'ai.response.generated' && (event.data as { responseId: string }).responseId === responseId), { timeoutMs: 10_000 });

  beforeAll(async () => {
    ai = await startAiPlatform(scriptedCore(generator), { DATABASE_URL: harness.databaseUrl ?? '', AI_WORKER_SWEEP_INTERVAL: '100ms' });
    for (const user of [erin, fred]) {
      for (const n of [1, 2]) {
        await ai.send({ responseId: `${user}-r${n}`, userId: user, content: `question ${n}` });
        await finished(`${user}-r${n}`);
      }
    }
  });

  afterAll(async () => {
    await ai?.stop();
  });

  const call = async (url: string, claims: { sub: string; kind?: 'api_key'; sid?: string; scope?: string }) =>
    ai.platform.app.inject({ url, headers: { authorization: await ai.issuer.bearer(claims) } });

  /** Every row of every table of the ai database (events tables and migration bookkeeping included) that mentions `text`. */
  async function rowsMentioning(text: string): Promise<Array<{ table: string; row: unknown }>> {
    const db = ai.ctx.db;
    const tables = harness.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)).rows.map((row) => row.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows.map((row) => row.name);
    expect(tables).toEqual(expect.arrayContaining(['responses', 'ai_usage', 'ai_quota_counters', 'versaai_outbox', 'versaai_inbox']));
    const found: Array<{ table: string; row: unknown }> = [];
    for (const table of tables) {
      const rows = await db.selectFrom(table).selectAll().execute();
      for (const row of rows) if (JSON.stringify(row).includes(text)) found.push({ table, row });
    }
    return found;
  }

  const publish = (event: EventEnvelope) => ai.ctx.transaction(async (_trx, enqueue) => enqueue([event]));
  const consumed = (event: EventEnvelope) => waitFor(async () => ((await ai.ctx.db.selectFrom('versaai_inbox').select('event_id').where('event_id', '=', event.id).executeTakeFirst()) ? true : undefined), { timeoutMs: 10_000 });
  const noRowsAbout = (userId: string) => waitFor(async () => ((await rowsMentioning(userId)).length === 0 ? true : undefined), { timeoutMs: 15_000 })
    .catch(async () => expect(await rowsMentioning(userId)).toEqual([]));

  it('exports the caller\'s responses, usage and quota counters, and nothing about anyone else', async () => {
    const response = await call('/api/ai/privacy/export', { sub: erin });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body.responses).toEqual([1, 2].map((n) => ({
      id: `${erin}-r${n}`, conversationId: `conv-${erin}-r${n}`, messageId: `msg-${erin}-r${n}`, status: 'completed', attempts: 1,
      createdAt: expect.any(String), updatedAt: expect.any(String),
    })));
    expect(body.usage).toEqual([1, 2].map((n) => ({
      id: `${erin}-r${n}`, day: expect.any(String), model: 'test-model', provider: 'p1', source: 'chat', status: 'completed',
      promptTokens: expect.any(Number), completionTokens: expect.any(Number), costUsd: expect.any(Number), cached: false, createdAt: expect.any(String),
    })));
    expect(body.quotaCounters).toEqual([{ day: expect.any(String), messages: 2, tokens: expect.any(Number) }]);
    // The prompts are chat's messages, exported by chat.
    expect(response.body).not.toContain('question');
    expect(response.body).not.toContain(fred);
  });

  it('exports to a person only: an API-key token is refused', async () => {
    const response = await call('/api/ai/privacy/export', { sub: erin, kind: 'api_key', sid: 'ak_9', scope: 'ai:use' });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('AUTH_SESSION_REQUIRED');
  });

  it('erases every row about a user on user.deleted, idempotently, stops their running answer, and leaves other users alone', async () => {
    // An answer still being generated when the account goes.
    generator.scripts.set('long answer', { tokens: Array.from({ length: 1_000 }, (_, index) => ` t${index}`), tokenDelayMs: 10 });
    await ai.send({ responseId: `${erin}-running`, userId: erin, content: 'long answer' });
    await waitFor(async () => ((await ai.ctx.responseStreams.read(`${erin}-running`)).some((entry) => entry.event.type === 'delta') ? true : undefined), { timeoutMs: 10_000 });
    expect(new Set((await rowsMentioning(erin)).map((found) => found.table))).toEqual(new Set(['responses', 'ai_usage', 'ai_quota_counters']));

    const deleted = createEvent('user.deleted', { userId: erin, deletedAt: new Date().toISOString() }, { source: 'auth', key: erin });
    await publish(deleted);
    // Delivered again (same id, once the relay has taken the first copy off the outbox) and once more as a new event.
    await waitFor(async () => ((await ai.ctx.db.selectFrom('versaai_outbox').select('id').where('id', '=', deleted.id).executeTakeFirst()) ? undefined : true), { timeoutMs: 10_000 });
    await publish(deleted);
    await publish(createEvent('user.deleted', { userId: erin, deletedAt: new Date().toISOString() }, { source: 'auth', key: erin }));

    // The running generation is cancelled and its end records nothing (its row is gone).
    const running = generator.calls.find((candidate) => candidate.request.userId === erin && candidate.request.messages.at(-1)?.content === 'long answer')!;
    await running.settled;
    expect(running.aborted).toBe(true);
    // The outbox is emptied by the relay once its events are on the bus; wait for it.
    const remaining = await waitFor(async () => {
      const found = await rowsMentioning(erin);
      return found.length === 0 ? found : undefined;
    }, { timeoutMs: 15_000 }).catch(async () => rowsMentioning(erin));
    expect(remaining).toEqual([]);
    expect(ai.events.some((event) => (event.data as { responseId?: string }).responseId === `${erin}-running`)).toBe(false);

    expect(new Set((await rowsMentioning(fred)).map((found) => found.table))).toEqual(new Set(['responses', 'ai_usage', 'ai_quota_counters']));
    expect((await call('/api/ai/privacy/export', { sub: erin })).json()).toEqual({ responses: [], usage: [], quotaCounters: [] });
    const fredsExport = (await call('/api/ai/privacy/export', { sub: fred })).json();
    expect([fredsExport.responses.length, fredsExport.usage.length, fredsExport.quotaCounters.length]).toEqual([2, 2, 1]);
  });

  it('drops a message of a user erased before it arrived: no job, no prompt kept, no quota, no answer', async () => {
    const gina = 'user-gina-privacy-0003';
    const deleted = createEvent('user.deleted', { userId: gina, deletedAt: new Date().toISOString() }, { source: 'auth', key: gina });
    await publish(deleted);
    await consumed(deleted);
    // Sent before the account went, delivered after (another stream, another order).
    const late = createEvent('message.sent', {
      conversationId: `conv-${gina}`, messageId: `msg-${gina}`, responseId: `${gina}-late`, userId: gina,
      content: 'a prompt that must not be kept', history: [], parameters: {}, generateTitle: false,
    }, { source: 'chat', key: `conv-${gina}` });
    await publish(late);
    await consumed(late);
    await noRowsAbout(gina);
    expect(generator.calls.some((candidate) => candidate.request.userId === gina)).toBe(false);
  });

  it('a message taken in while its user is being erased waits for the erasure, then finds the user erased', async () => {
    const hank = 'user-hank-privacy-0004';
    const erased = new ErasedUsers(harness.dialect);
    let lockTaken!: () => void;
    const taken = new Promise<void>((resolve) => { lockTaken = resolve; });
    let finishErasure!: () => void;
    const erasureHeld = new Promise<void>((resolve) => { finishErasure = resolve; });
    const erasing = ai.ctx.db.transaction().execute(async (trx) => {
      await erased.markErased(trx, hank);
      lockTaken();
      await erasureHeld;
    });
    await taken;
    let seenErased: boolean | undefined;
    const intake = ai.ctx.db.transaction().execute(async (trx) => { seenErased = await erased.holdForWrite(trx, hank); });
    if (harness.dialect === 'postgres') {
      // The intake is queued behind the erasure's lock (SQLite runs one write transaction at a time).
      await waitFor(async () => {
        const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting from pg_locks where locktype = 'advisory' and not granted`.execute(ai.ctx.db);
        return rows[0]!.waiting > 0 ? true : undefined;
      }, { timeoutMs: 10_000 });
    }
    expect(seenErased).toBeUndefined();
    finishErasure();
    await erasing;
    await intake;
    expect(seenErased).toBe(true);
    expect(await ai.ctx.db.transaction().execute((trx) => erased.holdForWrite(trx, 'user-never-erased-0005'))).toBe(false);
  });

  it('records nothing for a /v1 answer that finished after its user was erased, and drops the quota counter it took', async () => {
    const ivy = 'user-ivy-privacy-0006';
    const day = utcDay();
    expect(await takeMessage(ai.ctx.db, ivy, { name: 'free', dailyMessages: 10, dailyTokens: 10_000, priority: 0 }, day)).toBeDefined();
    const deleted = createEvent('user.deleted', { userId: ivy, deletedAt: new Date().toISOString() }, { source: 'auth', key: ivy });
    await publish(deleted);
    await consumed(deleted);
    await accountCompletion(ai.ctx, new ErasedUsers(harness.dialect), {
      id: 'chatcmpl-ivy', userId: ivy, day, cached: false,
      result: { status: 'completed', content: 'late', model: 'test-model', provider: 'p1', usage: { promptTokens: 3, completionTokens: 1 }, costUsd: 0, finishReason: 'stop' },
    });
    await noRowsAbout(ivy);
  });
});
