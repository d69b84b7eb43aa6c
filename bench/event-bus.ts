/**
 * Event-bus benchmark: raw XADD ceiling, the bus on Redis Streams end to end (publisher here,
 * consumers in child processes, SQLite and PostgreSQL inboxes) and the embedded SQLite bus,
 * at full speed and at a fixed rate. Run with `npm run bench:bus` (see bench/README.md).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { postgresTestUrl, redisTestUrl, requireService } from '@versaai/testing';
import { createBenchEvents, stampedPayload } from './lib/bench-events.ts';
import type { ConsumerTuning } from './lib/consumer-host.ts';
import { describeMachine } from './lib/machine.ts';
import { measureRawXadd } from './lib/raw-xadd.ts';
import { benchRedisPrefix, deleteKeysUnder } from './lib/redis-scratch.ts';
import { eventsNeeded, runEmbeddedScenario, runRedisScenario, type ScenarioResult } from './lib/scenarios.ts';
import { nowMs } from './lib/stats.ts';
import { writeResults } from './lib/report.ts';
import { planScenarios } from './lib/plan.ts';
import { profileConsumerSteps } from './lib/profile.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    // Overrides every scenario's consumer tuning, for sweeps: --tuning 200,200,1,1000
    tuning: { type: 'string' },
  },
});

function parseTuning(value: string | undefined): ConsumerTuning | undefined {
  if (value === undefined) return undefined;
  const [batchSize, transactionBatchSize, concurrency, blockMs] = value.split(',').map(Number);
  if (![batchSize, transactionBatchSize, concurrency, blockMs].every((n) => Number.isInteger(n) && n! > 0)) {
    throw new Error('--tuning is batchSize,transactionBatchSize,concurrency,blockMs (positive integers)');
  }
  return { batchSize: batchSize!, transactionBatchSize: transactionBatchSize!, concurrency: concurrency!, blockMs: blockMs! };
}

const startedAt = nowMs();
const loadAverage = loadavg();
const log = (line: string) => console.log(line);
const redisUrl = redisTestUrl();
if (!(await requireService('redis'))) process.exit(1);
const withPostgres = await requireService('postgres');

const plan = planScenarios({ quick: args.quick, withPostgres, only: args.only, tuning: parseTuning(args.tuning) });
const templates = createBenchEvents(Math.max(...plan.scenarios.map(eventsNeeded)), benchRedisPrefix().split(':')[1]!);
const payload = stampedPayload(templates[0]!, nowMs());

log(`raw XADD: ${plan.rawXaddEntries} entries, pipelines of ${plan.publishBatchSize}, ${Buffer.byteLength(payload)} B payload`);
const rawPrefix = benchRedisPrefix();
const rawXadd = await measureRawXadd({ url: redisUrl, key: `${rawPrefix}raw-xadd`, entries: plan.rawXaddEntries, batchSize: plan.publishBatchSize, payload })
  .finally(() => deleteKeysUnder(redisUrl, rawPrefix));
log(`  ${Math.round(rawXadd.perSecond)} entries/s`);

const scenarios: ScenarioResult[] = [];
for (const spec of plan.scenarios) {
  log(`${spec.name}`);
  scenarios.push(spec.transport === 'redis'
    ? await runRedisScenario(spec, templates, redisUrl, log)
    : await runEmbeddedScenario(spec, templates, log));
}

log('step costs');
const steps = await profileConsumerSteps(templates.slice(0, plan.profileEvents), { withPostgres, batchSize: 100, concurrency: 16 });
for (const step of steps) log(`  ${step.step}: ${step.microsPerEvent.toFixed(1)} µs/event`);

const machine = await describeMachine({ redisUrl, postgresUrl: withPostgres ? postgresTestUrl() : null, loadAverage });
const totalSeconds = (nowMs() - startedAt) / 1000;
log(`done in ${totalSeconds.toFixed(1)} s`);
if (!args['no-write']) {
  const { files, verdict } = await writeResults({ machine, rawXadd, scenarios, steps, totalSeconds, quick: args.quick, payloadBytes: Buffer.byteLength(payload) });
  log(`target: ${verdict.throughputMet ? 'met' : 'NOT met'} for throughput (${verdict.bestEndToEndPerSecond}/s), ${verdict.latencyMet ? 'met' : 'NOT met'} for p99 at 5,000/s (${verdict.p99AtRateMs} ms)`);
  log(`wrote ${files.join(', ')}`);
}
