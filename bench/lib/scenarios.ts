import { join } from 'node:path';
import { createEmbeddedTransport, createRedisTransport } from '@versaai/events';
import { createTestDatabase, tempDataDir } from '@versaai/testing';
import type { BenchEventTemplate } from './bench-events.ts';
import { prepareBenchDatabase, openBenchDatabase } from './bench-database.ts';
import { BENCH_GROUP, phaseEventCount, profilePhase, runPhase, warmUp, type PhaseResult, type PhaseSpec, type ScenarioRun } from './bus-scenario.ts';
import { startCpuProfile, type CpuProfileSummary } from './cpu-profile.ts';
import { benchLogger, startBenchConsumer, type ConsumerTuning } from './consumer-host.ts';
import { startConsumerProcess, type ConsumerProcess } from './consumer-process.ts';
import { benchRedisPrefix, deleteKeysUnder } from './redis-scratch.ts';

export interface ScenarioSpec {
  name: string;
  transport: 'redis' | 'embedded';
  database: 'sqlite' | 'postgres';
  consumerProcesses: number;
  tuning: ConsumerTuning;
  publishBatchSize: number;
  warmUpEvents: number;
  phases: PhaseSpec[];
  /** Events of an extra full-speed run under the CPU profiler (0: none). */
  profileEvents: number;
}

export interface ScenarioResult extends Omit<ScenarioSpec, 'phases'> {
  phases: PhaseResult[];
  cpuProfiles: CpuProfileSummary[];
}

/** Events for each phase, disjoint so the inbox never sees a phase's events as duplicates. */
function slicePhases(templates: BenchEventTemplate[], spec: ScenarioSpec): { warm: BenchEventTemplate[]; phases: BenchEventTemplate[][]; profiled: BenchEventTemplate[] } {
  const warm = templates.slice(0, spec.warmUpEvents);
  let offset = spec.warmUpEvents;
  const phases = spec.phases.map((phase) => {
    const count = phaseEventCount(phase);
    const slice = templates.slice(offset, offset + count);
    offset += count;
    if (slice.length !== count) throw new Error(`not enough bench events for ${spec.name}`);
    return slice;
  });
  return { warm, phases, profiled: templates.slice(offset, offset + spec.profileEvents) };
}

export function eventsNeeded(spec: ScenarioSpec): number {
  return spec.warmUpEvents + spec.phases.reduce((sum, phase) => sum + phaseEventCount(phase), 0) + spec.profileEvents;
}

async function runScenario(run: ScenarioRun, spec: ScenarioSpec, templates: BenchEventTemplate[], log: (line: string) => void): Promise<ScenarioResult> {
  const slices = slicePhases(templates, spec);
  await warmUp(run, slices.warm);
  const phases: PhaseResult[] = [];
  for (const [index, phase] of spec.phases.entries()) {
    const result = await runPhase(run, phase, slices.phases[index]!);
    log(`  ${phase.kind}: ${Math.round(result.endToEndPerSecond)} events/s end-to-end, p99 ${result.latencyMs.p99.toFixed(2)} ms, publish ${Math.round(result.publish.achievedRate)}/s`);
    phases.push(result);
  }
  const cpuProfiles = spec.profileEvents > 0 ? await profilePhase(run, slices.profiled) : [];
  const { phases: _specPhases, ...rest } = spec;
  return { ...rest, phases, cpuProfiles };
}

/** Bus on Redis Streams; consumers in child processes with their own database connections. */
export async function runRedisScenario(
  spec: ScenarioSpec, templates: BenchEventTemplate[], redisUrl: string, log: (line: string) => void,
): Promise<ScenarioResult> {
  const prefix = benchRedisPrefix();
  const dataDir = await tempDataDir();
  const postgres = spec.database === 'postgres' ? await createTestDatabase() : undefined;
  const transport = createRedisTransport({ url: redisUrl, prefix, logger: benchLogger() });
  const children: ConsumerProcess[] = [];
  try {
    const target = { databaseUrl: postgres?.url, dataDir: dataDir.dir };
    await prepareBenchDatabase(target);
    for (let index = 0; index < spec.consumerProcesses; index++) {
      children.push(await startConsumerProcess({
        BENCH_REDIS_URL: redisUrl,
        BENCH_REDIS_PREFIX: prefix,
        BENCH_DATABASE_URL: postgres?.url ?? '',
        BENCH_DATA_DIR: dataDir.dir,
        BENCH_GROUP,
        BENCH_CONSUMER_NAME: `bench-consumer-${index + 1}`,
        BENCH_BATCH_SIZE: String(spec.tuning.batchSize),
        BENCH_TRANSACTION_BATCH_SIZE: String(spec.tuning.transactionBatchSize),
        BENCH_CONCURRENCY: String(spec.tuning.concurrency),
        BENCH_BLOCK_MS: String(spec.tuning.blockMs),
      }, `${spec.name} consumer ${index + 1}`));
    }
    const run: ScenarioRun = {
      transport,
      consumers: children,
      publishBatchSize: spec.publishBatchSize,
      sameProcess: false,
    };
    return await runScenario(run, spec, templates, log);
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await transport.close();
    await deleteKeysUnder(redisUrl, prefix);
    await postgres?.drop();
    await dataDir.remove();
  }
}

/** The embedded SQLite bus: publisher and consumer share one process, as in the all-in-one topology. */
export async function runEmbeddedScenario(spec: ScenarioSpec, templates: BenchEventTemplate[], log: (line: string) => void): Promise<ScenarioResult> {
  const dataDir = await tempDataDir();
  const transport = createEmbeddedTransport({ file: join(dataDir.dir, 'bus.db') });
  const target = { dataDir: dataDir.dir };
  let database: Awaited<ReturnType<typeof openBenchDatabase>> | undefined;
  let consumer: ReturnType<typeof startBenchConsumer> | undefined;
  try {
    await prepareBenchDatabase(target);
    database = await openBenchDatabase(target);
    consumer = startBenchConsumer({ transport, database, group: BENCH_GROUP, tuning: spec.tuning, logger: benchLogger() });
    await consumer.ready();
    const local = consumer;
    let stopProfile: (() => Promise<CpuProfileSummary>) | undefined;
    const run: ScenarioRun = {
      transport,
      consumers: [{
        report: async () => local.report(),
        async startProfile() {
          stopProfile = await startCpuProfile();
        },
        stopProfile: () => stopProfile!(),
      }],
      publishBatchSize: spec.publishBatchSize,
      sameProcess: true,
    };
    return await runScenario(run, spec, templates, log);
  } finally {
    await consumer?.stop();
    await transport.close();
    await database?.close();
    await dataDir.remove();
  }
}
