/**
 * GET /api/users/me through the gateway, all-in-one and distributed, beside a bare Fastify
 * hello-world measured in the same run; plus login throughput. Every server runs in its own
 * child process; autocannon runs here. Run with `npm run bench:users-me` (see bench/README.md).
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { postgresTestUrl, redisTestUrl, requireService } from '@versaai/testing';
import { registerUser, type BenchUser } from './lib/api-client.ts';
import { describeArgon2 } from './lib/argon2-parameters.ts';
import { measureLoad, type LoadResult, type LoadTarget } from './lib/load.ts';
import { describeMachine } from './lib/machine.ts';
import { nowMs } from './lib/stats.ts';
import { installInterruptHandler } from './lib/teardown.ts';
import { BENCH_RATE_LIMIT, startAllInOne, startDistributed, startHelloWorld, type RunningTopology } from './lib/topologies.ts';
import { checkTargets, writeResults, type TopologyResult } from './lib/users-me-report.ts';
import { USERS_ME, loginTarget, prepareUser, usersMeTarget } from './lib/workload.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    // Comma-separated case names to run: hello-world, all-in-one, distributed, login.
    only: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    connections: { type: 'string', default: '64,256' },
    'login-connections': { type: 'string', default: '16' },
  },
});

installInterruptHandler();
const startedAt = nowMs();
const loadAverage = loadavg();
const log = (line: string) => console.log(line);
const phase = args.quick ? { warmupSeconds: 1, seconds: 3 } : { warmupSeconds: 3, seconds: 10 };
const connectionCounts = args.connections.split(',').map(Number);
if (!connectionCounts.every((n) => Number.isInteger(n) && n > 0)) throw new Error('--connections is a comma-separated list of positive integers');
const loginConnections = Number(args['login-connections']);
const only = args.only?.split(',').map((name) => name.trim());
const wanted = (name: string) => !only || only.includes(name);
const runId = randomBytes(4).toString('hex');

const withServices = wanted('distributed') && (await requireService('postgres')) && (await requireService('redis'));
if (wanted('distributed') && !withServices) {
  console.error('distributed needs PostgreSQL and Redis (see above); run with --only hello-world,all-in-one,login to leave it out');
  process.exit(1);
}

function report(name: string, run: LoadResult): void {
  const failures = run.non2xx + run.errors;
  const cpu = run.cpu ? `, server CPU ${run.cpu.serverMicrosPerRequest} µs/request (${run.cpu.serverCores} cores busy)` : '';
  log(`  ${name} @${run.connections}: ${Math.round(run.rps)} RPS, p50 ${run.latencyMs.p50} / p95 ${run.latencyMs.p95} / p99 ${run.latencyMs.p99} ms${cpu}${failures > 0 ? `, ${run.non2xx} non-2xx ${JSON.stringify(run.statusCounts)}, ${run.errors} errors` : ''}`);
}

/** Runs every connection count against one topology; `target` is asked again before each (fresh token). */
async function measureTopology(topology: RunningTopology, target: () => Promise<LoadTarget>, name = topology.name): Promise<TopologyResult> {
  const runs: LoadResult[] = [];
  for (const connections of connectionCounts) {
    const run = await measureLoad(await target(), { connections, ...phase }, () => topology.cpuSeconds());
    report(name, run);
    runs.push(run);
  }
  return { name, description: topology.description, runs, processes: topology.processes() };
}

/** Starts a topology, runs `body` against it and always stops it (children, database, keys, files). */
async function withTopology<T>(start: () => Promise<RunningTopology>, body: (topology: RunningTopology) => Promise<T>): Promise<T> {
  const topology = await start();
  try {
    return await body(topology);
  } finally {
    await topology.stop();
  }
}

const topologies: TopologyResult[] = [];
let login: { argon2: string; users: number; result: LoadResult } | null = null;

/** The peer, measured before and after the platform cases (the shared machine's load drifts). */
async function measurePeer(name: string): Promise<void> {
  log(name);
  const result = await withTopology(startHelloWorld, (topology) => measureTopology(topology, async () => ({ url: `${topology.url}/` }), name));
  topologies.push({ ...result, peer: true });
}

if (wanted('hello-world')) await measurePeer('hello-world');

if (wanted('all-in-one') || wanted('login')) {
  log('all-in-one');
  await withTopology(startAllInOne, async (topology) => {
    const user: BenchUser = await prepareUser(topology.url, `bench-aio-${runId}@example.com`);
    if (wanted('all-in-one')) topologies.push(await measureTopology(topology, () => usersMeTarget(topology.url, user)));
    if (wanted('login')) {
      const users = [user];
      for (let n = 1; n < loginConnections; n++) users.push(await registerUser(topology.url, `bench-aio-${runId}-${n}@example.com`));
      const result = await measureLoad(loginTarget(topology.url, users), { connections: loginConnections, ...phase }, () => topology.cpuSeconds());
      report('login', result);
      login = { argon2: await describeArgon2(), users: users.length, result };
    }
  });
}

if (wanted('distributed')) {
  log('distributed');
  topologies.push(await withTopology(
    () => startDistributed({ postgresUrl: postgresTestUrl(), redisUrl: redisTestUrl() }),
    async (topology) => {
      const user = await prepareUser(topology.url, `bench-dist-${runId}@example.com`);
      return measureTopology(topology, () => usersMeTarget(topology.url, user));
    },
  ));
}

if (wanted('hello-world') && topologies.some((topology) => !topology.peer)) await measurePeer('hello-world-end');

for (const check of checkTargets(topologies)) {
  log(`target ${check.check}: ${check.target} — ${check.measured} — ${check.met === null ? 'not measured' : check.met ? 'pass' : 'FAIL'}`);
}

const machine = await describeMachine({ redisUrl: redisTestUrl(), postgresUrl: withServices ? postgresTestUrl() : null, loadAverage });
const totalSeconds = (nowMs() - startedAt) / 1000;
log(`done in ${totalSeconds.toFixed(1)} s`);
if (!args['no-write']) {
  const { files } = await writeResults({
    args: process.argv.slice(2),
    totalSeconds,
    quick: args.quick,
    workload: USERS_ME,
    machine,
    settings: {
      ...phase,
      connections: connectionCounts,
      rateLimits: BENCH_RATE_LIMIT,
      logLevel: 'warn',
      loadGenerator: 'autocannon 8 (pipelining 1, one worker)',
    },
    topologies,
    login,
  });
  log(`wrote ${files.join(', ')}`);
}
