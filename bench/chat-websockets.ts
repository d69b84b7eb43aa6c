/**
 * Benchmark 4 of issue 4: idle WebSocket connections on one chat process — RSS per connection
 * and the latency of a broadcast (one append per user, delivered to every socket) — beside a
 * bare `ws` server doing the same broadcast in the same run. Run with `npm run bench:chat-websockets`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { STREAM_BEARER_PROTOCOL_PREFIX, STREAM_PROTOCOL } from '@versaai/identity';
import { createRedisResponseStreamStore } from '@versaai/storage';
import { createTestIssuer, redisTestUrl, requireService, tempDataDir } from '@versaai/testing';
import { CLEAN_ENV, cpuSecondsOf, freePort, startChild, waitUntilReady, type BenchChild } from './lib/child-process.ts';
import { describeMachine } from './lib/machine.ts';
import { benchRedisPrefix, connectRedis, deleteKeysUnder } from './lib/redis-scratch.ts';
import { nowMs, round, summarizeLatencies, type LatencySummary } from './lib/stats.ts';
import { installInterruptHandler } from './lib/teardown.ts';
import { openClients, rssBytesOf, type ClientKind } from './lib/ws-broadcast.ts';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '10000' },
    users: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '20' },
    // lean: the bench's minimal client (bench/lib/lean-ws-client.ts); ws: the `ws` package's client (the client of the earlier runs).
    client: { type: 'string', default: 'lean' },
    'no-write': { type: 'boolean', default: false },
    // Debugging aid: run one case only (peer or chat); results are written only for a full run.
    only: { type: 'string' },
  },
});
const connections = Number(args.connections);
const users = Number(args.users);
const rounds = Number(args.rounds);
if (![connections, users, rounds].every((n) => Number.isInteger(n) && n > 0) || connections % users !== 0) {
  throw new Error('--connections, --users and --rounds are positive integers, and connections a multiple of users');
}
const clientKind = args.client as ClientKind;
if (clientKind !== 'lean' && clientKind !== 'ws') throw new Error('--client is lean or ws');
installInterruptHandler();
if (!(await requireService('redis', 'bench:chat-websockets'))) process.exit(1);

const redisUrl = redisTestUrl();
const prefix = benchRedisPrefix();
const loadAtStart = loadavg();
const startedAt = nowMs();
const log = (line: string) => console.log(line);
const userOf = (index: number) => `bench-user-${index % users}`;
// A delta of typical size (a coalesced flush of a few tokens).
const deltaText = 'x'.repeat(64);

interface CaseResult {
  name: string;
  description: string;
  rssIdleBytes: number;
  rssConnectedBytes: number;
  rssPerConnectionBytes: number;
  openSeconds: number;
  broadcast: LatencySummary;
  missing: number;
  /** Sockets closed by the server before `ready` and opened again. */
  retried: number;
  /** Server CPU (user + system) during the counted rounds ÷ deliveries: hardly moved by other processes, unlike latency. */
  serverCpuMicrosPerDelivery: number;
  /** The part of it spent in the kernel (system time): mostly the TCP send of each frame, one per socket. */
  serverSystemMicrosPerDelivery: number;
  /** This process's CPU during the counted rounds ÷ deliveries: the appends and the clients reading their frames. */
  benchCpuMicrosPerDelivery: number;
  /** Server CPU while the sockets opened ÷ sockets. */
  serverCpuMicrosPerOpen: number;
  warnings: number;
}

/** Idle RSS, connected RSS after the sockets settle, then `rounds` broadcasts: one message per user. */
async function measure(name: string, description: string, child: BenchChild, open: () => ReturnType<typeof openClients>, broadcast: (round: number) => Promise<void>): Promise<CaseResult> {
  const pid = child.child.pid!;
  await sleep(2_000);
  const rssIdleBytes = rssBytesOf(pid);
  const openStart = nowMs();
  const cpuBeforeOpen = cpuSecondsOf(pid) ?? 0;
  const clients = await open();
  const openSeconds = (nowMs() - openStart) / 1000;
  const serverCpuMicrosPerOpen = (((cpuSecondsOf(pid) ?? 0) - cpuBeforeOpen) * 1e6) / connections;
  await sleep(5_000);
  const rssConnectedBytes = rssBytesOf(pid);
  const latencies: number[] = [];
  let missing = 0;
  let countedCpu = 0;
  let countedSystem = 0;
  let countedBench = 0;
  for (let index = 0; index < rounds; index += 1) {
    const roundStart = nowMs();
    const cpuBefore = cpuSecondsOf(pid) ?? 0;
    const systemBefore = systemSecondsOf(pid);
    const benchBefore = process.cpuUsage();
    const delivered = clients.awaitRound(roundStart, 15_000);
    await broadcast(index);
    const result = await delivered;
    // The first round warms caches and JIT on both sides; it is not counted.
    if (index > 0) {
      latencies.push(...result.latencies);
      countedCpu += (cpuSecondsOf(pid) ?? 0) - cpuBefore;
      countedSystem += systemSecondsOf(pid) - systemBefore;
      const bench = process.cpuUsage(benchBefore);
      countedBench += (bench.user + bench.system) / 1e6;
    }
    missing += result.missing;
    await sleep(250);
  }
  await clients.close();
  const summary = summarizeLatencies(latencies);
  const result: CaseResult = {
    name, description, rssIdleBytes, rssConnectedBytes, rssPerConnectionBytes: (rssConnectedBytes - rssIdleBytes) / connections,
    openSeconds, broadcast: summary, missing, retried: clients.retried(), warnings: child.lineCount(),
    serverCpuMicrosPerDelivery: (countedCpu * 1e6) / Math.max(1, summary.count), serverCpuMicrosPerOpen,
    serverSystemMicrosPerDelivery: (countedSystem * 1e6) / Math.max(1, summary.count),
    benchCpuMicrosPerDelivery: (countedBench * 1e6) / Math.max(1, summary.count),
  };
  log(`  ${name}: ${connections} sockets opened in ${round(openSeconds, 1)} s; RSS ${mib(rssIdleBytes)} → ${mib(rssConnectedBytes)} MiB = ${round(result.rssPerConnectionBytes / 1024, 1)} KiB/connection; broadcast p50 ${round(summary.p50)} / p95 ${round(summary.p95)} / p99 ${round(summary.p99)} / max ${round(summary.max)} ms over ${summary.count} deliveries, ${missing} missing; server CPU ${round(result.serverCpuMicrosPerDelivery, 1)} µs/delivery (system ${round(result.serverSystemMicrosPerDelivery, 1)}), ${Math.round(serverCpuMicrosPerOpen)} µs/open; bench process ${round(result.benchCpuMicrosPerDelivery, 1)} µs/delivery`);
  return result;
}

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

/** System (kernel) CPU seconds of a process, from /proc/<pid>/stat (field 15, stime). */
function systemSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[12]) / 100;
}

async function peerCase(): Promise<CaseResult> {
  const port = await freePort();
  const channelPrefix = `${prefix}peer:`;
  const child = startChild('ws-peer', 'bench/lib/ws-peer-server.ts', [], { ...CLEAN_ENV, PORT: String(port), REDIS_URL: redisUrl, PREFIX: channelPrefix });
  const publisher = connectRedis(redisUrl);
  try {
    await waitUntilReady([child], [`http://127.0.0.1:${port}`]);
    return await measure('ws peer', 'bare `ws` 8 server (no auth, no protocol, no buffer limits): one Redis subscription per connected user, each message sent as is to that user\'s sockets', child,
      () => openClients(clientKind, connections, (index) => `ws://127.0.0.1:${port}/?user=${userOf(index)}`, () => []),
      async (roundIndex) => {
        await Promise.all(Array.from({ length: users }, (_, user) => publisher.publish(`${channelPrefix}bench-user-${user}`,
          JSON.stringify({ type: 'entries', responseId: `r-${roundIndex}-${user}`, conversationId: 'c', entries: [{ seq: 1, event: { type: 'delta', text: deltaText } }] }))));
      });
  } finally {
    publisher.disconnect();
    await child.stop();
  }
}

async function chatCase(): Promise<CaseResult> {
  const issuer = await createTestIssuer();
  const jwks = await issuer.serveJwks();
  const data = await tempDataDir();
  const port = await freePort();
  const chatPrefix = `${prefix}chat:`;
  const child = startChild('chat', 'apps/cli/src/main.ts', ['start', '--service', 'chat'], {
    ...CLEAN_ENV, PORT: String(port), REDIS_URL: redisUrl, VERSAAI_REDIS_PREFIX: chatPrefix, AUTH_JWKS_URL: jwks.url, VERSAAI_DATA_DIR: data.dir,
  });
  const writer = createRedisResponseStreamStore({ url: redisUrl, prefix: chatPrefix, retentionMs: 60_000 });
  try {
    await waitUntilReady([child], [`http://127.0.0.1:${port}`]);
    const tokens = await Promise.all(Array.from({ length: users }, (_, user) => issuer.sign({ sub: `bench-user-${user}`, expiresInSeconds: 3_600 })));
    return await measure('chat service', '`versaai start --service chat` (WebSocket channel: token verified per socket, per-user hub, heartbeats, bounded buffers); appends by a separate writer through the Redis response-stream store (XADD + PUBLISH in one script), as the AI service does', child,
      () => openClients(clientKind, connections, () => `ws://127.0.0.1:${port}/api/chat/stream/ws`, (index) => [STREAM_PROTOCOL, `${STREAM_BEARER_PROTOCOL_PREFIX}${tokens[index % users]}`]),
      async () => {
        await Promise.all(Array.from({ length: users }, (_, user) => writer.append(
          { responseId: randomUUID(), conversationId: 'c', userId: `bench-user-${user}` }, [{ type: 'delta', text: deltaText }])));
      });
  } finally {
    await writer.close();
    await child.stop();
    await jwks.close();
    await data.remove();
  }
}

log(`bench:chat-websockets — ${connections} connections, ${users} users (${connections / users} sockets each), ${rounds} broadcast rounds (first one not counted)`);
const skipped = (name: string): CaseResult => ({ name, description: 'not run (--only)', rssIdleBytes: 0, rssConnectedBytes: 0, rssPerConnectionBytes: 0, openSeconds: 0, broadcast: summarizeLatencies([]), missing: 0, retried: 0, serverCpuMicrosPerDelivery: 0, serverSystemMicrosPerDelivery: 0, benchCpuMicrosPerDelivery: 0, serverCpuMicrosPerOpen: 0, warnings: 0 });
const peer = args.only && args.only !== 'peer' ? skipped('ws peer') : await peerCase();
const chat = args.only && args.only !== 'chat' ? skipped('chat service') : await chatCase();
const deleted = await deleteKeysUnder(redisUrl, prefix);
const machine = await describeMachine({ redisUrl, postgresUrl: null, loadAverage: loadAtStart });
const loadAtEnd = loadavg();
const seconds = round((nowMs() - startedAt) / 1000, 1);
log(`  (${deleted} Redis keys removed; whole run ${seconds} s)`);

const perConnectionKiB = chat.rssPerConnectionBytes / 1024;
const checks = [
  { check: 'RSS per idle connection (chat)', target: '≤ 50 KB', measured: `${round(perConnectionKiB, 1)} KiB (${round(chat.rssPerConnectionBytes / 1000, 1)} kB)`, pass: chat.rssPerConnectionBytes <= 50_000 },
  { check: 'broadcast p95 (chat)', target: '< 100 ms', measured: `${round(chat.broadcast.p95)} ms (peer ${round(peer.broadcast.p95)} ms)`, pass: chat.broadcast.p95 < 100 },
  { check: 'every delivery arrived (chat)', target: '0 missing', measured: `${chat.missing} missing`, pass: chat.missing === 0 },
];
const date = new Date().toISOString().slice(0, 10);
const row = (result: CaseResult) => `| ${result.name} | ${mib(result.rssIdleBytes)} | ${mib(result.rssConnectedBytes)} | **${round(result.rssPerConnectionBytes / 1024, 1)}** | ${round(result.openSeconds, 1)} | ${round(result.broadcast.p50)} | **${round(result.broadcast.p95)}** | ${round(result.broadcast.p99)} | ${round(result.broadcast.max)} | ${result.broadcast.count} | ${result.missing} | ${result.retried} | ${round(result.serverCpuMicrosPerDelivery, 1)} | ${round(result.serverSystemMicrosPerDelivery, 1)} | ${round(result.benchCpuMicrosPerDelivery, 1)} | ${Math.round(result.serverCpuMicrosPerOpen)} | ${result.warnings} |`;
const markdown = `# Idle WebSockets and broadcast on one chat process — ${date}

- Command: \`npm run bench:chat-websockets\` (node --import tsx bench/chat-websockets.ts --connections ${connections} --users ${users} --rounds ${rounds} --client ${clientKind})
- Whole run: ${seconds} s
- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; Redis ${machine.redis}; \`ulimit -n\` ${process.env.BENCH_ULIMIT ?? 'as inherited'}
- Load average (1/5/15 min) before ${machine.loadAverageAtStart.join(' / ')}, after ${loadAtEnd.map((value) => round(value)).join(' / ')} — the machine is shared; compare with the peer of the same run.
- Workload: ${connections} WebSocket connections from this process (${clientKind === 'lean' ? 'a minimal client, bench/lib/lean-ws-client.ts: the same RFC 6455 handshake, then a frame reader on a shared read buffer that answers pings' : "the `ws` package's client"}), ${users} users with ${connections / users} sockets each, opened 100 at a time; each is counted once its server said \`ready\` (subscription live). RSS is the server process's VmRSS 2 s after it was ready (idle) and 5 s after the last socket opened; per connection = the difference ÷ ${connections}. A broadcast round = one message per user (${users} appends / publishes at once) → ${connections} deliveries; latency = from the start of the round to the arrival of each socket's frame, measured in this process (one clock). ${rounds} rounds, the first discarded as warm-up, 250 ms apart; percentiles by nearest rank over every delivery.
- The clients run on the same 2 cores as the server and Redis, so latencies include their own CPU competition; the peer pays the same. So the client is lean, and the same for both cases: with the \`ws\` package's client (\`--client ws\`, the client of the earlier runs) this process spent about 1.4 times the CPU per delivery of the minimal one (14–20 µs against 10–14 µs in alternating runs against the same server), as much as the server it measures — CPU taken from the server on a 2-core machine.

## Targets

| check | target | measured | result |
|---|---|---|---|
${checks.map((check) => `| ${check.check} | ${check.target} | ${check.measured} | **${check.pass ? 'pass' : 'FAIL'}** |`).join('\n')}

## Figures

| case | idle RSS MiB | connected RSS MiB | RSS per connection KiB | open all s | p50 ms | p95 ms | p99 ms | max ms | deliveries | missing | sockets reopened | server CPU µs/delivery | of which system | bench process CPU µs/delivery | server CPU µs/open | warn/error log lines |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
${row(peer)}
${row(chat)}

Server CPU = user + system time of the server process (/proc) during the counted rounds ÷ deliveries (and while the sockets opened ÷ sockets). Unlike latency it hardly moves when other processes compete for the cores; the chat process's figure also covers its Redis subscriber parsing each published append. System time is mostly the kernel's TCP send of each frame (one per socket, whatever the server): on loopback it also runs the receiving socket's side and its ACK, so it sets a floor that neither server can go below. Bench process CPU = this process's user + system time over the same rounds ÷ deliveries: the appends (or publishes) and the clients reading. Latency on a quiet machine would be roughly the broadcast's CPU time (deliveries per round × µs/delivery) plus Redis and the clients' own time.

- **ws peer**: ${peer.description}.
- **chat service**: ${chat.description}.
`;
console.log(`\n${checks.map((check) => `${check.pass ? 'pass' : 'FAIL'}  ${check.check}: ${check.measured} (target ${check.target})`).join('\n')}`);
if (!args['no-write'] && !args.only) {
  await mkdir('bench/results', { recursive: true });
  await writeFile(`bench/results/chat-websockets-${date}.md`, markdown);
  await writeFile(`bench/results/chat-websockets-${date}.json`, `${JSON.stringify({ date, command: 'npm run bench:chat-websockets', connections, users, rounds, client: clientKind, machine, loadAtEnd, seconds, peer, chat, checks }, null, 2)}\n`);
  console.log(`written bench/results/chat-websockets-${date}.md`);
}
process.exit(0);
