import { replayStreamFor, streamFor, type BusTransport } from '@versaai/events';
import { waitFor } from '@versaai/testing';
import { BENCH_EVENT_TYPE, type BenchEventTemplate } from './bench-events.ts';
import type { ConsumerBreakdown, ConsumerReport } from './consumer-host.ts';
import { collectReports } from './consumer-reports.ts';
import type { CpuProfileSummary } from './cpu-profile.ts';
import { publishAtRate, publishFullSpeed, type PublishResult } from './publisher.ts';
import { summarizeLatencies, type LatencySummary } from './stats.ts';

export const BENCH_GROUP = 'bench';
export const BENCH_STREAM = streamFor(BENCH_EVENT_TYPE);

export type PhaseSpec =
  | { kind: 'full-speed'; events: number }
  | { kind: 'fixed-rate'; ratePerSecond: number; seconds: number; tickMs: number };

export interface PhaseResult {
  kind: PhaseSpec['kind'];
  targetRate: number | null;
  events: number;
  publish: PublishResult;
  /** events / (first publish → last ack), seconds. */
  endToEndSeconds: number;
  endToEndPerSecond: number;
  lagAtEnd: number;
  handled: number;
  acked: number;
  latencyMs: LatencySummary;
  consumers: ConsumerBreakdown[];
}

export interface ConsumerHandle {
  report(): Promise<ConsumerReport>;
  startProfile(): Promise<void>;
  stopProfile(): Promise<CpuProfileSummary>;
}

export interface ScenarioRun {
  /** The publisher's transport; also measures lag. */
  transport: BusTransport;
  /** One per running consumer, wherever it runs. */
  consumers: ConsumerHandle[];
  publishBatchSize: number;
  /** In-process consumers need the publisher to yield between batches. */
  sameProcess: boolean;
}

export function phaseEventCount(spec: PhaseSpec): number {
  return spec.kind === 'full-speed' ? spec.events : Math.round(spec.ratePerSecond * spec.seconds);
}

async function drain(run: ScenarioRun, timeoutMs: number): Promise<number> {
  const streams = [BENCH_STREAM, replayStreamFor(BENCH_GROUP)];
  await waitFor(async () => ((await run.transport.lag(BENCH_GROUP, streams)) === 0 ? true : undefined), { timeoutMs, intervalMs: 5 });
  return run.transport.lag(BENCH_GROUP, streams);
}

/** Publishes and drains events without measuring: JIT, connections and SQLite caches warm up. */
export async function warmUp(run: ScenarioRun, templates: BenchEventTemplate[]): Promise<void> {
  await publishFullSpeed((items) => run.transport.append(items), BENCH_STREAM, templates, run.publishBatchSize, run.sameProcess);
  await drain(run, 60_000);
  await collectReports(run.consumers.map((consumer) => () => consumer.report()), templates.length);
}

export async function runPhase(run: ScenarioRun, spec: PhaseSpec, templates: BenchEventTemplate[]): Promise<PhaseResult> {
  const append = (items: Array<{ stream: string; payload: string }>) => run.transport.append(items);
  const publish = spec.kind === 'full-speed'
    ? await publishFullSpeed(append, BENCH_STREAM, templates, run.publishBatchSize, run.sameProcess)
    : await publishAtRate(append, BENCH_STREAM, templates, spec.ratePerSecond, spec.tickMs, run.publishBatchSize);
  const lagAtEnd = await drain(run, 120_000);
  const reports = await collectReports(run.consumers.map((consumer) => () => consumer.report()), templates.length);
  const lastAckAt = Math.max(...reports.map((report) => report.lastAckAt));
  const endToEndSeconds = (lastAckAt - publish.firstPublishAt) / 1000;
  return {
    kind: spec.kind,
    targetRate: spec.kind === 'fixed-rate' ? spec.ratePerSecond : null,
    events: templates.length,
    publish,
    endToEndSeconds,
    endToEndPerSecond: templates.length / endToEndSeconds,
    lagAtEnd,
    handled: reports.reduce((sum, report) => sum + report.handled, 0),
    acked: reports.reduce((sum, report) => sum + report.acked, 0),
    latencyMs: summarizeLatencies(reports.flatMap((report) => report.latencies)),
    consumers: reports.map((report) => report.breakdown),
  };
}

/** A full-speed run with the CPU profiler on in every consumer; its figures are not reported. */
export async function profilePhase(run: ScenarioRun, templates: BenchEventTemplate[]): Promise<CpuProfileSummary[]> {
  await Promise.all(run.consumers.map((consumer) => consumer.startProfile()));
  await publishFullSpeed((items) => run.transport.append(items), BENCH_STREAM, templates, run.publishBatchSize, run.sameProcess);
  await drain(run, 60_000);
  const profiles = await Promise.all(run.consumers.map((consumer) => consumer.stopProfile()));
  await collectReports(run.consumers.map((consumer) => () => consumer.report()), templates.length);
  return profiles;
}
