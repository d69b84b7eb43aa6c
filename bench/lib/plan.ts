import type { ScenarioSpec } from './scenarios.ts';
import type { PhaseSpec } from './bus-scenario.ts';
import type { ConsumerTuning } from './consumer-host.ts';

export const PUBLISH_BATCH_SIZE = 100; // the outbox relay's default batch
export const TARGET_RATE = 5_000;

export interface BenchPlan {
  publishBatchSize: number;
  rawXaddEntries: number;
  /** Events for the step-cost profile. */
  profileEvents: number;
  scenarios: ScenarioSpec[];
}

/**
 * Sizes keep the whole run under three minutes on the 2-core machine; --quick is a smoke run.
 * Consumer tuning: see bench/README.md for how these values were chosen.
 */
export function planScenarios(opts: { quick: boolean; withPostgres: boolean; only?: string; tuning?: ConsumerTuning }): BenchPlan {
  const { tuning } = opts;
  const fullSpeedEvents = opts.quick ? 3_000 : 60_000;
  const rateSeconds = opts.quick ? 1 : 10;
  const phases: PhaseSpec[] = [
    { kind: 'full-speed', events: fullSpeedEvents },
    { kind: 'fixed-rate', ratePerSecond: TARGET_RATE, seconds: rateSeconds, tickMs: 5 },
  ];
  const fullSpeedOnly: PhaseSpec[] = [phases[0]!];
  // The PostgreSQL consumer runs at a fraction of the SQLite one (round trips per handler
  // statement): smaller runs keep the whole bench under three minutes.
  const postgresPhases: PhaseSpec[] = [
    { kind: 'full-speed', events: fullSpeedEvents / 3 },
    { kind: 'fixed-rate', ratePerSecond: TARGET_RATE, seconds: rateSeconds / 2, tickMs: 5 },
  ];
  const warmUpEvents = opts.quick ? 500 : 3_000;
  // Swept on this machine: 100, 200 and 500 per read and per transaction give the same full-speed
  // throughput (the consumer is CPU-bound per event); bigger batches raise p99 at 5,000/s.
  const sqliteTuning = tuning ?? { batchSize: 100, transactionBatchSize: 100, concurrency: 1, blockMs: 1_000 };
  const postgresTuning = tuning ?? { batchSize: 100, transactionBatchSize: 100, concurrency: 8, blockMs: 1_000 };
  const base = { publishBatchSize: PUBLISH_BATCH_SIZE, warmUpEvents, profileEvents: 0 };
  const profileEvents = opts.quick ? 2_000 : 20_000;
  const scenarios: ScenarioSpec[] = [
    { ...base, name: 'redis-sqlite-1', transport: 'redis', database: 'sqlite', consumerProcesses: 1, tuning: sqliteTuning, phases, profileEvents },
    { ...base, name: 'redis-sqlite-2', transport: 'redis', database: 'sqlite', consumerProcesses: 2, tuning: sqliteTuning, phases: fullSpeedOnly },
    ...(opts.withPostgres ? [
      { ...base, name: 'redis-postgres-1', transport: 'redis', database: 'postgres', consumerProcesses: 1, tuning: postgresTuning, phases: postgresPhases, profileEvents: profileEvents / 4 },
      { ...base, name: 'redis-postgres-2', transport: 'redis', database: 'postgres', consumerProcesses: 2, tuning: postgresTuning, phases: [postgresPhases[0]!] },
    ] satisfies ScenarioSpec[] : []),
    { ...base, name: 'embedded-sqlite', transport: 'embedded', database: 'sqlite', consumerProcesses: 1, tuning: sqliteTuning, phases, profileEvents },
  ];
  return {
    publishBatchSize: PUBLISH_BATCH_SIZE,
    rawXaddEntries: opts.quick ? 10_000 : 100_000,
    profileEvents: opts.quick ? 2_000 : 20_000,
    scenarios: opts.only ? scenarios.filter((scenario) => scenario.name.includes(opts.only!)) : scenarios,
  };
}
