/**
 * The conversation flow against the fake LLM (issue 4, benchmarks 2 and 3), each beside the
 * same work asked of the fake LLM directly in the same run:
 * 2. added time to first delta: POST …/messages → the first `delta` on the user's WebSocket,
 *    sequential samples, all-in-one and distributed;
 * 3. many conversations streaming at once on one chat + one AI process: every answer complete
 *    and intact (socket = stored), replies per second, peak RSS.
 * The platform and the fake LLM run as child processes; the clients run here.
 * Run with `npm run bench:chat-flow` (see bench/README.md).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { postgresTestUrl, redisTestUrl, requireService, waitFor } from '@versaai/testing';
import { login, registerUser } from './lib/api-client.ts';
import { ChatApi } from './lib/chat-client.ts';
import { measureChatConcurrency, measureDirectConcurrency, type BenchUserSession } from './lib/chat-concurrency.ts';
import { chatPlatformEnv, describeChatEnv, startFakeLlmProcess } from './lib/chat-env.ts';
import { measureFirstDelta } from './lib/chat-latency.ts';
import { processMemory } from './lib/chat-memory.ts';
import { renderResults, writeResults, type ConcurrencyCase, type FirstDeltaCase, type NamedProfile, type ProcessSample } from './lib/chat-report.ts';
import { apiAgent, streamAgent } from './lib/chat-http.ts';
import { UserStream } from './lib/chat-stream.ts';
import { cpuSecondsOf } from './lib/child-process.ts';
import { summarizeProfile, type Profile } from './lib/cpu-profile.ts';
import { describeMachine } from './lib/machine.ts';
import { nowMs } from './lib/stats.ts';
import { installInterruptHandler, onInterrupt } from './lib/teardown.ts';
import { startAllInOne, startDistributed, type RunningTopology } from './lib/topologies.ts';

type CaseName = 'first-delta-all-in-one' | 'first-delta-distributed' | 'concurrency-all-in-one' | 'concurrency-distributed';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    // Comma-separated case names (or parts of them): first-delta-all-in-one, first-delta-distributed, concurrency-all-in-one, concurrency-distributed.
    only: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    samples: { type: 'string' },
    warmup: { type: 'string' },
    conversations: { type: 'string' },
    rounds: { type: 'string' },
    users: { type: 'string' },
    tokens: { type: 'string', default: '100' },
    'token-delay-ms': { type: 'string', default: '5' },
    // Profiles every platform process (node --cpu-prof) and adds the summaries to the result (written with a -cpu-prof suffix).
    'cpu-prof': { type: 'boolean', default: false },
    // With --cpu-prof: keep the raw <pid>.cpuprofile files here (open them in Chrome DevTools) instead of a temp dir.
    'profile-dir': { type: 'string' },
    // Extra platform settings for an experiment, NAME=VALUE (repeatable), e.g. --env AI_STREAM_FLUSH_INTERVAL=1ms.
    env: { type: 'string', multiple: true },
    // Rewrites the .md of an earlier run from its .json with the current report code, and exits.
    render: { type: 'string' },
  },
});

if (args.render) {
  const { files } = await renderResults(args.render);
  console.log(`wrote ${files.join(', ')}`);
  process.exit(0);
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

installInterruptHandler();
const startedAt = nowMs();
const loadAverage = loadavg();
const log = (line: string) => console.log(line);
const quick = args.quick;
const firstDeltaOptions = {
  warmup: positive('warmup', args.warmup, quick ? 5 : 20),
  samples: positive('samples', args.samples, quick ? 30 : 200),
  conversations: quick ? 5 : 20,
  timeoutMs: 60_000,
};
const concurrencyOptions = {
  conversations: positive('conversations', args.conversations, quick ? 200 : 1_000),
  rounds: positive('rounds', args.rounds, quick ? 2 : 3),
  timeoutMs: 180_000,
};
if (concurrencyOptions.rounds > 45) throw new Error('--rounds above 45 would not fit the one GET page the answers are checked with');
const userCount = positive('users', args.users, 10);
const llmScript = { tokens: positive('tokens', args.tokens, 100), tokenDelayMs: positive('token-delay-ms', args['token-delay-ms'], 5) };
const only = args.only?.split(',').map((name) => name.trim()).filter(Boolean);
const wanted = (name: CaseName) => !only || only.some((part) => name.includes(part));
const runId = randomBytes(4).toString('hex');
const extraEnv = Object.fromEntries((args.env ?? []).map((pair) => {
  const at = pair.indexOf('=');
  if (at <= 0) throw new Error(`--env expects NAME=VALUE, got "${pair}"`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}));

const needsServices = wanted('first-delta-distributed') || wanted('concurrency-distributed');
if (needsServices && !((await requireService('postgres')) && (await requireService('redis')))) {
  console.error('the distributed cases need PostgreSQL and Redis (see above); run with --only all-in-one to leave them out');
  process.exit(1);
}

const llm = await startFakeLlmProcess(llmScript);
const forgetLlm = onInterrupt(() => llm.stop());
log(`fake LLM at ${llm.url} (${llm.tokens} tokens, one every ${llm.tokenDelayMs} ms)`);

const platformEnv = { ...chatPlatformEnv(llm, { concurrency: concurrencyOptions.conversations }), ...extraEnv };

interface Profiling {
  env: Record<string, string>;
  /** Starts (first call) or stops (second call) the profiler in every platform process. */
  toggle(topology: RunningTopology): void;
  collect(topology: RunningTopology): Promise<NamedProfile[]>;
  remove(): Promise<void>;
}

const PROFILER_PRELOAD = fileURLToPath(new URL('./lib/chat-profiler-preload.ts', import.meta.url));

/** With --cpu-prof: a preload lets every platform child be profiled over the measured window only (SIGUSR2 on, SIGUSR2 off). */
async function profiling(): Promise<Profiling | undefined> {
  if (!args['cpu-prof']) return undefined;
  const keep = args['profile-dir'];
  if (keep) await mkdir(keep, { recursive: true });
  const dir = keep ?? await mkdtemp(join(tmpdir(), 'versaai-chat-prof-'));
  const forget = onInterrupt(async () => { if (!keep) await rm(dir, { recursive: true, force: true }); });
  return {
    env: { NODE_OPTIONS: `--import tsx --import ${PROFILER_PRELOAD}`, BENCH_CPU_PROF_DIR: dir },
    toggle(topology) {
      for (const child of topology.processes()) if (child.pid !== undefined) process.kill(child.pid, 'SIGUSR2');
    },
    async collect(topology) {
      const profiles: NamedProfile[] = [];
      for (const process of topology.processes()) {
        const file = `${process.pid}.cpuprofile`;
        // Written by the child once the second signal reached it.
        await waitFor(async () => ((await readdir(dir)).includes(file) ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 }).catch(() => {});
        if (!(await readdir(dir)).includes(file)) continue;
        const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as Profile;
        profiles.push({ process: process.name, summary: summarizeProfile(profile, 20, PROFILE_AREAS) });
      }
      return profiles;
    },
    async remove() {
      if (!keep) await rm(dir, { recursive: true, force: true });
      forget();
    },
  };
}

// Finer areas than the shared summary's, for the services on the chat path.
const PROFILE_AREAS: Array<[RegExp, string]> = [
  [/\/services\/chat\/src\/realtime\//, 'chat realtime'],
  [/\/services\/chat\//, 'chat service'],
  [/\/services\/ai\/src\/(providers|generation)\//, 'ai providers/generation'],
  [/\/services\/ai\//, 'ai pipeline'],
  [/\/services\/gateway\//, 'gateway'],
  [/\/services\/(auth|users)\//, 'auth/users'],
  [/\/packages\/identity\//, '@versaai/identity'],
  [/\/packages\/runtime\//, '@versaai/runtime'],
  [/\/node_modules\/(ws|@fastify\/websocket)\//, 'ws'],
  [/\/node_modules\/(fastify|@fastify|find-my-way|light-my-request|avvio|fast-json-stringify|ajv)/, 'fastify'],
  [/\/node_modules\/undici\//, 'undici'],
  [/\/node_modules\/eventsource-parser\//, 'eventsource-parser'],
  [/\/node_modules\/cockatiel\//, 'cockatiel'],
  [/\/node_modules\/jose\//, 'jose'],
];

async function startTopology(name: 'all-in-one' | 'distributed', env: Record<string, string>): Promise<RunningTopology> {
  return name === 'all-in-one'
    ? startAllInOne({ env })
    : startDistributed({ postgresUrl: postgresTestUrl(), redisUrl: redisTestUrl(), env });
}

const DESCRIPTIONS = {
  'all-in-one': '`versaai start` in one child process: gateway + every service (chat and AI included) in one Node process; SQLite in a temp VERSAAI_DATA_DIR, embedded bus, in-memory response streams and pub/sub.',
  distributed: 'gateway, auth, users, chat and ai as five child processes (`start --service …`) on a fresh PostgreSQL database and a fresh Redis key prefix (Redis Streams bus, Redis response streams and pub/sub); the WebSocket goes through the gateway\'s upgrade proxy to chat.',
} as const;

async function userSessions(url: string, count: number, label: string): Promise<BenchUserSession[]> {
  const sessions: BenchUserSession[] = [];
  for (let index = 0; index < count; index++) {
    const user = await registerUser(url, `bench-chat-${label}-${runId}-${index}@example.com`);
    const token = await login(url, user);
    sessions.push({ api: new ChatApi(url, token), stream: await UserStream.connect(url, token) });
  }
  return sessions;
}

async function closeSessions(sessions: BenchUserSession[]): Promise<void> {
  await Promise.all(sessions.map((session) => session.stream.close()));
}

const firstDelta: FirstDeltaCase[] = [];
const concurrency: ConcurrencyCase[] = [];

async function runFirstDelta(name: 'all-in-one' | 'distributed'): Promise<void> {
  log(`first delta — ${name}`);
  const prof = await profiling();
  const topology = await startTopology(name, { ...platformEnv, ...prof?.env });
  try {
    const [session] = await userSessions(topology.url, 1, `fd-${name}`);
    try {
      prof?.toggle(topology);
      const result = await measureFirstDelta(session!.api, session!.stream, llm, firstDeltaOptions);
      prof?.toggle(topology);
      const profiles = prof ? await prof.collect(topology) : [];
      log(`  chat p50 ${result.chatMs.p50.toFixed(2)} ms, direct p50 ${result.directMs.p50.toFixed(2)} ms → added p50 ${result.addedMs.p50.toFixed(2)} / p90 ${result.addedMs.p90.toFixed(2)} / p99 ${result.addedMs.p99.toFixed(2)} ms (${result.samples} samples, ${result.badAnswers} bad, ${result.errors.length} errors)`);
      const stages = result.stagesMs;
      log(`  stages p50: POST → queued ${stages.postToQueued.p50.toFixed(2)} ms, queued → streaming ${stages.queuedToStreaming.p50.toFixed(2)} ms, streaming → first delta ${stages.streamingToFirstDelta.p50.toFixed(2)} ms; POST → 202 ${result.acceptedMs.p50.toFixed(2)} ms`);
      for (const error of result.errors) log(`  error: ${error}`);
      firstDelta.push({ topology: name, description: DESCRIPTIONS[name], result, processes: topology.processes(), profiles });
    } finally {
      await closeSessions([session!]);
    }
  } finally {
    await topology.stop();
    await prof?.remove();
  }
}

async function runConcurrency(name: 'all-in-one' | 'distributed'): Promise<void> {
  log(`concurrency — ${name}: ${concurrencyOptions.conversations} conversations × ${concurrencyOptions.rounds} rounds`);
  const llmCpuBefore = cpuSecondsOf(llm.child.child.pid);
  const direct = await measureDirectConcurrency(llm, concurrencyOptions);
  log(`  direct peer: ${direct.completed}/${direct.started} in ${direct.seconds.toFixed(1)} s = ${direct.perSecond.toFixed(1)}/s`);
  const prof = await profiling();
  const topology = await startTopology(name, { ...platformEnv, ...prof?.env });
  const hosted = topology.processes().filter((process) => name === 'all-in-one' || process.name === 'chat' || process.name === 'ai');
  try {
    const sessions = await userSessions(topology.url, userCount, `cc-${name}`);
    try {
      const samples: ProcessSample[] = topology.processes().map((process) => ({
        name: process.name, pid: process.pid, memoryBefore: processMemory(process.pid), cpuSeconds: cpuSecondsOf(process.pid),
      }));
      const clientBefore = process.cpuUsage();
      const clientStart = nowMs();
      const result = await measureChatConcurrency(sessions, concurrencyOptions, log, () => prof?.toggle(topology));
      const clientCores = ((process.cpuUsage(clientBefore).user + process.cpuUsage(clientBefore).system) / 1000) / (nowMs() - clientStart);
      for (const sample of samples) {
        sample.memoryAfter = processMemory(sample.pid);
        const after = cpuSecondsOf(sample.pid);
        sample.cpuSeconds = after === undefined || sample.cpuSeconds === undefined ? undefined : after - sample.cpuSeconds;
      }
      const llmCpuAfter = cpuSecondsOf(llm.child.child.pid);
      log(`  chat flow: ${result.completed}/${result.started} in ${result.seconds.toFixed(1)} s = ${result.perSecond.toFixed(1)} replies/s; ${result.matchingStored} equal to stored, ${result.contiguous} contiguous, ${result.duplicates} dup., ${result.gaps} gaps`);
      for (const sample of samples) log(`  ${sample.name}: peak RSS ${((sample.memoryAfter?.peakRssKiB ?? NaN) / 1024).toFixed(0)} MiB, ${sample.cpuSeconds?.toFixed(1)} CPU s`);
      for (const error of result.errors) log(`  error: ${error}`);
      concurrency.push({
        topology: name,
        description: DESCRIPTIONS[name],
        hosts: name === 'all-in-one' ? 'one process (all-in-one: gateway + chat + AI + auth + users)' : `two processes (chat pid ${hosted.find((p) => p.name === 'chat')?.pid}, ai pid ${hosted.find((p) => p.name === 'ai')?.pid}), behind the gateway`,
        conversations: concurrencyOptions.conversations,
        rounds: concurrencyOptions.rounds,
        direct,
        result,
        processes: samples,
        health: topology.processes(),
        clientCores,
        fakeLlmCpuSeconds: llmCpuBefore === undefined || llmCpuAfter === undefined ? undefined : llmCpuAfter - llmCpuBefore,
        profiles: prof ? await prof.collect(topology) : [],
      });
    } finally {
      await closeSessions(sessions);
    }
  } finally {
    await topology.stop();
    await prof?.remove();
  }
}

try {
  if (wanted('first-delta-all-in-one')) await runFirstDelta('all-in-one');
  if (wanted('first-delta-distributed')) await runFirstDelta('distributed');
  if (wanted('concurrency-all-in-one')) await runConcurrency('all-in-one');
  if (wanted('concurrency-distributed')) await runConcurrency('distributed');
} finally {
  await llm.stop();
  forgetLlm();
  await Promise.all([apiAgent.close(), streamAgent.close()]);
}

const machine = await describeMachine({ redisUrl: redisTestUrl(), postgresUrl: needsServices ? postgresTestUrl() : null, loadAverage });
const totalSeconds = (nowMs() - startedAt) / 1000;
log(`done in ${totalSeconds.toFixed(1)} s`);
if (!args['no-write']) {
  const { files } = await writeResults({
    args: process.argv.slice(2),
    totalSeconds,
    quick,
    profiled: args['cpu-prof'],
    suffix: args['cpu-prof'] ? 'cpu-prof' : undefined,
    machine,
    fakeLlm: { ...llmScript, process: '`versaai dev fake-llm` in its own child process (no request records)' },
    platformEnv: describeChatEnv(platformEnv),
    firstDelta,
    concurrency,
  });
  log(`wrote ${files.join(', ')}`);
}
