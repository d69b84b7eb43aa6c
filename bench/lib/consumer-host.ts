import { createLogger, type Logger } from '@versaai/kernel';
import { createConsumer, type BusTransport, type EventEnvelope, type EventHandler } from '@versaai/events';
import type { Database } from '@versaai/storage';
import { waitFor } from '@versaai/testing';
import { BENCH_EVENT_TYPE, publishedAtOf } from './bench-events.ts';
import { nowMs } from './stats.ts';

export interface ConsumerTuning {
  /** Entries per read. */
  batchSize: number;
  /** Events per database transaction. */
  transactionBatchSize: number;
  /** Handlers at once, used only with transactionBatchSize 1. */
  concurrency: number;
  blockMs: number;
}

/** What one consumer did since the previous report. */
export interface ConsumerReport {
  handled: number;
  acked: number;
  /** Wall-clock ms of the last ack that completed (0 when none). */
  lastAckAt: number;
  /** Publish-to-handler-start latencies in ms. */
  latencies: number[];
  breakdown: ConsumerBreakdown;
}

/** Where the consumer's time went, summed over the report period (ms unless named otherwise). */
export interface ConsumerBreakdown {
  reads: number;
  entriesRead: number;
  readWaitMs: number;
  acks: number;
  ackWaitMs: number;
  /** Decoding and handling batches (inbox + effect transactions): from a read's end to its ack's start. */
  processMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** Share of the period the event loop was busy (0..1). */
  eventLoopUtilization: number;
  periodMs: number;
}

export interface BenchConsumer {
  /** Resolves once the group exists and the consumer loop runs. */
  ready(): Promise<void>;
  /** Returns what happened since the previous report and starts a new period. */
  report(): ConsumerReport;
  stop(): Promise<void>;
}

/** Logs go to stderr so a child's stdout carries only its JSON protocol lines. */
export function benchLogger(): Logger {
  return createLogger({ service: 'bench', level: 'warn', destination: process.stderr });
}

/**
 * Runs the real createConsumer with a trivial handler. The transport is wrapped only to time
 * its reads and acks (the calls pass through unchanged), which is how the bench knows when
 * the last event was acknowledged and where the consumer spends its time.
 */
export function startBenchConsumer(opts: {
  transport: BusTransport; database: Database; group: string; tuning: ConsumerTuning; logger: Logger; consumerName?: string;
}): BenchConsumer {
  let period = newPeriod();
  let lastReadEndedAt = 0;

  const timedTransport: BusTransport = {
    ...opts.transport,
    async read(group, consumer, streams, readOpts) {
      const startedAt = nowMs();
      const entries = await opts.transport.read(group, consumer, streams, readOpts);
      period.breakdown.reads++;
      period.breakdown.entriesRead += entries.length;
      const endedAt = nowMs();
      period.breakdown.readWaitMs += endedAt - startedAt;
      if (entries.length > 0) lastReadEndedAt = endedAt;
      return entries;
    },
    async ack(group, entries) {
      const startedAt = nowMs();
      if (lastReadEndedAt > 0) period.breakdown.processMs += startedAt - lastReadEndedAt;
      lastReadEndedAt = 0;
      await opts.transport.ack(group, entries);
      const endedAt = nowMs();
      period.breakdown.acks++;
      period.breakdown.ackWaitMs += endedAt - startedAt;
      period.acked += entries.length;
      period.lastAckAt = endedAt;
    },
  };

  const handleMessage: EventHandler = async (event: EventEnvelope<{ conversationId: string; content: string }>, { trx }) => {
    const startedAt = nowMs();
    period.latencies.push(startedAt - publishedAtOf(event.data.content));
    await trx.insertInto('bench_effects')
      .values({ event_id: event.id, conversation_id: event.data.conversationId, handled_at: startedAt })
      .execute();
    period.handled++;
  };

  const consumer = createConsumer({
    transport: timedTransport,
    database: opts.database,
    group: opts.group,
    consumerName: opts.consumerName,
    handlers: { [BENCH_EVENT_TYPE]: handleMessage },
    logger: opts.logger,
    batchSize: opts.tuning.batchSize,
    transactionBatchSize: opts.tuning.transactionBatchSize,
    concurrency: opts.tuning.concurrency,
    blockMs: opts.tuning.blockMs,
  });
  consumer.start();

  return {
    report() {
      const finished = period;
      period = newPeriod();
      const cpu = process.cpuUsage(finished.cpuAtStart);
      const elu = performance.eventLoopUtilization(finished.eluAtStart);
      return {
        handled: finished.handled,
        acked: finished.acked,
        lastAckAt: finished.lastAckAt,
        latencies: finished.latencies,
        breakdown: {
          ...finished.breakdown,
          cpuUserMs: cpu.user / 1000,
          cpuSystemMs: cpu.system / 1000,
          eventLoopUtilization: elu.utilization,
          periodMs: nowMs() - finished.startedAt,
        },
      };
    },
    ready: () => waitFor(async () => {
      await consumer.readiness();
      return true;
    }, { timeoutMs: 15_000, intervalMs: 10 }).then(() => undefined),
    stop: () => consumer.stop(),
  };
}

function newPeriod() {
  return {
    startedAt: nowMs(),
    cpuAtStart: process.cpuUsage(),
    eluAtStart: performance.eventLoopUtilization(),
    handled: 0,
    acked: 0,
    lastAckAt: 0,
    latencies: [] as number[],
    breakdown: { reads: 0, entriesRead: 0, readWaitMs: 0, acks: 0, ackWaitMs: 0, processMs: 0 },
  };
}
