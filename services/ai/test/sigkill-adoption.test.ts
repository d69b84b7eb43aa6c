import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, type EventEnvelope } from '@versaai/events';
import { defineService, startPlatform, type RunningPlatform, type ServiceContext } from '@versaai/runtime';
import { openDatabase, type StreamEntry } from '@versaai/storage';
import {
  createTestDatabase, createTestIssuer, createTestRedisPrefix, freePort, requireService, startFakeLlm, waitFor,
  type FakeLlm, type TestDatabase, type TestRedisPrefix,
} from '@versaai/testing';
import { jobStatus } from '../src/jobs/responses-store.ts';
import { startCli, type CliProcess } from './support/cli-process.ts';

const available = (await requireService('postgres', 'ai SIGKILL adoption')) && (await requireService('redis', 'ai SIGKILL adoption'));

function deltasAfterLastReset(entries: StreamEntry[]): string {
  let text = '';
  for (const entry of entries) {
    if (entry.event.type === 'reset') text = '';
    if (entry.event.type === 'delta') text += entry.event.text;
  }
  return text;
}

// Distributed: the ai service is its own process on PostgreSQL + Redis. It is killed with
// SIGKILL mid-answer; a new ai process adopts the job once its lease expires, starts the
// stream over with a `reset`, and exactly one ai.response.generated is published.
describe.skipIf(!available)('ai service killed mid-generation (distributed)', () => {
  let database: TestDatabase;
  let redis: TestRedisPrefix;
  let llm: FakeLlm;
  let jwks: { url: string; close(): Promise<void> };
  let observer: RunningPlatform;
  let observerCtx: ServiceContext;
  const events: EventEnvelope[] = [];
  const processes: CliProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = createTestRedisPrefix();
    llm = await startFakeLlm({ apiKey: 'sk-upstream' });
    // 100 tokens, one every 50 ms: the answer takes 5 s, long enough to kill it mid-way even on a loaded machine.
    llm.script({ text: Array.from({ length: 100 }, (_, index) => `w${index}`).join(' '), tokenDelayMs: 50 });
    const issuer = await createTestIssuer();
    jwks = await issuer.serveJwks();
    env = {
      DATABASE_URL: database.url, REDIS_URL: redis.url, VERSAAI_REDIS_PREFIX: redis.prefix, AUTH_JWKS_URL: jwks.url,
      OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: llm.url, AI_DEFAULT_MODEL: 'gpt-4o-mini',
      // A short lease so the test does not wait long for the adoption.
      AI_LEASE: '3s', AI_WORKER_SWEEP_INTERVAL: '200ms', BUS_BLOCK_MS: '200',
    };
    // Plays the chat service: publishes message.sent and consumes ai.response.generated.
    observer = await startPlatform({
      services: [defineService({
        name: 'chatstandin',
        migrations: [],
        async routes() {},
        handlers: () => ({ 'ai.response.generated': async (event) => { events.push(event); } }),
      })],
      env: { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
      separateProcesses: true,
    });
    observerCtx = observer.services.get('chatstandin')!.context;
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(processes.map((cli) => cli.stop('SIGKILL')));
    await observer?.stop();
    await llm?.close();
    await jwks?.close();
    await redis?.cleanup();
    await database?.drop();
  }, 60_000);

  it('a restarted ai process finishes the answer once, after a reset', async () => {
    const first = await startCli('ai-1', ['start', '--service', 'ai'], env, await freePort());
    processes.push(first);
    const responseId = `resp-${Date.now()}`;
    const conversationId = 'conv-kill';
    await observerCtx.transaction(async (_trx, publish) => publish([createEvent('message.sent', {
      conversationId, messageId: 'msg-kill', responseId, userId: 'user-kill', content: 'tell me a long story', history: [], parameters: {}, generateTitle: false,
    }, { source: 'chat', key: conversationId })]));

    // Some deltas are in the stream: the answer is under way.
    await waitFor(async () => {
      const entries = await observerCtx.responseStreams.read(responseId);
      return entries.filter((entry) => entry.event.type === 'delta').length >= 3 ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 20 });
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    // Killed mid-answer: no end in the stream yet.
    expect((await observerCtx.responseStreams.read(responseId)).some((entry) => entry.event.type === 'end')).toBe(false);
    expect(events).toHaveLength(0);

    const second = await startCli('ai-2', ['start', '--service', 'ai'], env, await freePort());
    processes.push(second);
    const final = await waitFor(async () => events.find((event) => (event.data as { responseId: string }).responseId === responseId), { timeoutMs: 60_000 });
    const data = final.data as { status: string; content: string; provider: string };
    expect(data.status).toBe('completed');
    expect(data.provider).toBe('openai');
    expect(data.content).toBe(Array.from({ length: 100 }, (_, index) => `w${index}`).join(' '));

    const entries = await observerCtx.responseStreams.read(responseId);
    const resets = entries.filter((entry) => entry.event.type === 'reset');
    expect(resets).toHaveLength(1);
    expect(entries.at(-1)!.event).toMatchObject({ type: 'end', status: 'completed' });
    expect(entries.filter((entry) => entry.event.type === 'end')).toHaveLength(1);
    expect(deltasAfterLastReset(entries)).toBe(data.content);

    // Stop the second process gracefully (its outbox is drained): still exactly one final event.
    expect(await second.stop()).toEqual({ code: 0, signal: null });
    expect(events.filter((event) => (event.data as { responseId: string }).responseId === responseId)).toHaveLength(1);
    // The killed process's upstream call was cut off with it; the adopter made a second one.
    const upstream = llm.requests.filter((request) => request.path.endsWith('/chat/completions'));
    expect(upstream).toHaveLength(2);
    expect(upstream[0]!.aborted || await upstream[0]!.settled === 'aborted').toBe(true);
    const aiDatabase = await openDatabase({ service: 'ai', databaseUrl: database.url, dataDir: '.' });
    try {
      expect(await jobStatus(aiDatabase.db, responseId)).toEqual({ status: 'completed', attempts: 2 });
    } finally {
      await aiDatabase.close();
    }
  }, 240_000);
});
