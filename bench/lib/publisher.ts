import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { stampedPayload, type BenchEventTemplate } from './bench-events.ts';
import { nowMs } from './stats.ts';

export type AppendBatch = (items: Array<{ stream: string; payload: string }>) => Promise<unknown>;

export interface PublishResult {
  events: number;
  batches: number;
  firstPublishAt: number;
  lastPublishAt: number;
  /** Events per second the publisher achieved (first to last append returning). */
  achievedRate: number;
}

function sendBatch(append: AppendBatch, stream: string, templates: BenchEventTemplate[]): Promise<unknown> {
  const publishedAt = nowMs();
  return append(templates.map((template) => ({ stream, payload: stampedPayload(template, publishedAt) })));
}

function result(events: number, batches: number, firstPublishAt: number): PublishResult {
  const lastPublishAt = nowMs();
  return { events, batches, firstPublishAt, lastPublishAt, achievedRate: events / ((lastPublishAt - firstPublishAt) / 1000) };
}

/**
 * As fast as one publisher goes: one batch in flight at a time, like the outbox relay.
 * `yieldEachBatch` lets an in-process consumer run between batches (the embedded bus).
 */
export async function publishFullSpeed(
  append: AppendBatch, stream: string, templates: BenchEventTemplate[], batchSize: number, yieldEachBatch = false,
): Promise<PublishResult> {
  const firstPublishAt = nowMs();
  let batches = 0;
  for (let start = 0; start < templates.length; start += batchSize) {
    await sendBatch(append, stream, templates.slice(start, start + batchSize));
    batches++;
    if (yieldEachBatch) await yieldToLoop();
  }
  return result(templates.length, batches, firstPublishAt);
}

/**
 * A steady rate: ticks every tickMs, each sending what the schedule owes so far (about
 * rate × tick events), so a late tick catches up instead of lowering the rate. Batches never
 * exceed batchSize.
 */
export async function publishAtRate(
  append: AppendBatch, stream: string, templates: BenchEventTemplate[], ratePerSecond: number, tickMs: number, batchSize: number,
): Promise<PublishResult> {
  const firstPublishAt = nowMs();
  let sent = 0;
  let batches = 0;
  for (let tick = 1; sent < templates.length; tick++) {
    const owed = Math.min(templates.length, Math.floor(((nowMs() - firstPublishAt) / 1000) * ratePerSecond) + 1) - sent;
    for (let done = 0; done < owed; done += batchSize) {
      const size = Math.min(batchSize, owed - done);
      await sendBatch(append, stream, templates.slice(sent, sent + size));
      sent += size;
      batches++;
    }
    await sleep(Math.max(0, firstPublishAt + tick * tickMs - nowMs()));
  }
  return result(sent, batches, firstPublishAt);
}
