import { decodeEvent, recordInbox } from '@versaai/events';
import type { Database } from '@versaai/storage';
import { createTestDatabase, tempDataDir } from '@versaai/testing';
import { stampedPayload, type BenchEventTemplate } from './bench-events.ts';
import { openBenchDatabase, prepareBenchDatabase } from './bench-database.ts';
import { benchLogger } from './consumer-host.ts';
import { nowMs } from './stats.ts';

/** Cost of one step of consuming an event, measured alone in this process, in µs per event. */
export interface StepCost {
  step: string;
  events: number;
  microsPerEvent: number;
  /** The most events per second one process could do if this step were all it did. */
  ceilingPerSecond: number;
}

function cost(step: string, events: number, elapsedMs: number): StepCost {
  const microsPerEvent = (elapsedMs * 1000) / events;
  return { step, events, microsPerEvent, ceilingPerSecond: 1e6 / microsPerEvent };
}

function timeSync(step: string, events: number, work: () => void): StepCost {
  const startedAt = nowMs();
  work();
  return cost(step, events, nowMs() - startedAt);
}

async function timeAsync(step: string, events: number, work: () => Promise<void>): Promise<StepCost> {
  const startedAt = nowMs();
  await work();
  return cost(step, events, nowMs() - startedAt);
}

/** Inbox row + effect row per event, exactly as the consumer and the bench handler write them. */
async function handleInOwnTransaction(database: Database, template: BenchEventTemplate): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    if (!(await recordInbox(trx, 'bench-profile', template.event.id))) return;
    await trx.insertInto('bench_effects')
      .values({ event_id: template.event.id, conversation_id: template.event.data.conversationId, handled_at: nowMs() })
      .execute();
  });
}

/** The batched alternative: one transaction and two multi-row inserts for a whole read batch. */
async function handleBatchInOneTransaction(database: Database, batch: BenchEventTemplate[]): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('versaai_inbox')
      .values(batch.map((template) => ({ group_name: 'bench-profile-batched', event_id: template.event.id, processed_at: new Date().toISOString() })))
      .onConflict((conflict) => conflict.columns(['group_name', 'event_id']).doNothing())
      .returning('event_id')
      .execute();
    const fresh = new Set(inserted.map((row) => String(row.event_id)));
    const effects = batch.filter((template) => fresh.has(template.event.id));
    if (effects.length === 0) return;
    await trx.insertInto('bench_effects')
      .values(effects.map((template) => ({ event_id: `${template.event.id}-b`, conversation_id: template.event.data.conversationId, handled_at: nowMs() })))
      .execute();
  });
}

async function runConcurrently<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

async function databaseCosts(label: string, database: Database, templates: BenchEventTemplate[], opts: { concurrency: number; batchSize: number }): Promise<StepCost[]> {
  const half = Math.floor(templates.length / 2);
  const sequential = templates.slice(0, half);
  const concurrent = templates.slice(half);
  const results = [
    await timeAsync(`${label}: transaction per event (inbox + effect), one at a time`, sequential.length, async () => {
      for (const template of sequential) await handleInOwnTransaction(database, template);
    }),
  ];
  if (opts.concurrency > 1) {
    results.push(await timeAsync(`${label}: transaction per event, ${opts.concurrency} at once`, concurrent.length, () =>
      runConcurrently(concurrent, opts.concurrency, (template) => handleInOwnTransaction(database, template))));
  }
  results.push(await timeAsync(`${label}: one transaction per ${opts.batchSize}-event batch (multi-row inserts)`, templates.length, async () => {
    for (const batch of chunks(templates, opts.batchSize)) await handleBatchInOneTransaction(database, batch);
  }));
  return results;
}

/**
 * Where a consumer's time goes per event, step by step, outside the bus: decoding (JSON and the
 * zod envelope/data check), the per-event child logger, and the inbox transaction on each database.
 */
export async function profileConsumerSteps(templates: BenchEventTemplate[], opts: { withPostgres: boolean; batchSize: number; concurrency: number }): Promise<StepCost[]> {
  const payloads = templates.map((template) => stampedPayload(template, nowMs()));
  const logger = benchLogger();
  // Warm the JIT on the same work first.
  for (const payload of payloads.slice(0, 2_000)) decodeEvent(payload);
  const steps = [
    timeSync('JSON.parse of the payload', payloads.length, () => payloads.forEach((payload) => JSON.parse(payload))),
    timeSync('decodeEvent (JSON + zod envelope + catalog schema)', payloads.length, () => payloads.forEach((payload) => decodeEvent(payload))),
    timeSync('logger.child per event (as handleEntry does)', payloads.length, () => payloads.forEach((_, index) => logger.child({ eventId: String(index), type: 'message.sent', correlationId: 'c' }))),
  ];

  const dataDir = await tempDataDir();
  try {
    await prepareBenchDatabase({ dataDir: dataDir.dir });
    const sqlite = await openBenchDatabase({ dataDir: dataDir.dir });
    try {
      steps.push(...await databaseCosts('SQLite', sqlite, templates, { concurrency: 1, batchSize: opts.batchSize }));
    } finally {
      await sqlite.close();
    }
  } finally {
    await dataDir.remove();
  }

  if (opts.withPostgres) {
    const postgres = await createTestDatabase();
    try {
      await prepareBenchDatabase({ databaseUrl: postgres.url, dataDir: '.' });
      const database = await openBenchDatabase({ databaseUrl: postgres.url, dataDir: '.' });
      try {
        steps.push(...await databaseCosts('PostgreSQL', database, templates.slice(0, Math.min(templates.length, 4_000)), opts));
      } finally {
        await database.close();
      }
    } finally {
      await postgres.drop();
    }
  }
  return steps;
}
