/**
 * A bus consumer in its own process (Redis transport), driven by the bench over stdin/stdout:
 * it prints {"type":"ready"} once consuming, answers "report" with a {"type":"report"} line,
 * "profile-start"/"profile-stop" with {"type":"profiling"} / {"type":"profile"} (a V8 CPU
 * profile summary), and "stop" with {"type":"stopped"} before exiting.
 */
import { createInterface } from 'node:readline';
import { createRedisTransport } from '@versaai/events';
import { benchLogger, startBenchConsumer } from './consumer-host.ts';
import { openBenchDatabase } from './bench-database.ts';
import { startCpuProfile, type CpuProfileSummary } from './cpu-profile.ts';

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

function send(message: object): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

const logger = benchLogger();
const transport = createRedisTransport({ url: env('BENCH_REDIS_URL'), prefix: env('BENCH_REDIS_PREFIX'), logger });
const database = await openBenchDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL || undefined, dataDir: env('BENCH_DATA_DIR') });
const consumer = startBenchConsumer({
  transport,
  database,
  logger,
  group: env('BENCH_GROUP'),
  consumerName: env('BENCH_CONSUMER_NAME'),
  tuning: {
    batchSize: Number(env('BENCH_BATCH_SIZE')),
    transactionBatchSize: Number(env('BENCH_TRANSACTION_BATCH_SIZE')),
    concurrency: Number(env('BENCH_CONCURRENCY')),
    blockMs: Number(env('BENCH_BLOCK_MS')),
  },
});
await consumer.ready();

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await consumer.stop();
  await transport.close();
  await database.close();
  send({ type: 'stopped' });
  process.exit(0);
}

let stopProfile: (() => Promise<CpuProfileSummary>) | undefined;
async function profile(command: string): Promise<void> {
  if (command === 'profile-start') {
    stopProfile = await startCpuProfile();
    send({ type: 'profiling' });
  } else if (stopProfile) {
    const summary = await stopProfile();
    stopProfile = undefined;
    send({ type: 'profile', profile: summary });
  }
}

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  if (line === 'report') send({ type: 'report', report: consumer.report() });
  else if (line === 'profile-start' || line === 'profile-stop') void profile(line);
  else if (line === 'stop') void stop();
});
// The bench died or closed our stdin: do not linger.
commands.on('close', () => void stop());
send({ type: 'ready' });
