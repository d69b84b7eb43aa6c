import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from './load.ts';
import type { MachineInfo } from './machine.ts';
import type { ProcessHealth } from './topologies.ts';
import { round } from './stats.ts';

export const COMMAND = 'npm run bench:users-me   (node --import tsx bench/users-me.ts)';
export const TARGETS = { allInOneShare: 0.4, allInOneP95Ms: 20, distributedShare: 0.25, floorRps: 1_000, floorP95Ms: 200, atConnections: 64 };

/** `peer`: a hello-world measurement (taken before and after the platform cases). */
export interface TopologyResult { name: string; description: string; peer?: boolean; runs: LoadResult[]; processes: ProcessHealth[] }

export interface UsersMeResults {
  date: string;
  command: string;
  args: string[];
  totalSeconds: number;
  quick: boolean;
  workload: string;
  machine: MachineInfo & { availableParallelism: number; loadAverageAtEnd: number[] };
  settings: { warmupSeconds: number; seconds: number; connections: number[]; rateLimits: string; logLevel: string; loadGenerator: string };
  topologies: TopologyResult[];
  login: { argon2: string; users: number; result: LoadResult } | null;
  targets: TargetCheck[];
}

export interface TargetCheck { check: string; target: string; measured: string; met: boolean | null }

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;

function runAt(results: TopologyResult[], name: string, connections: number): LoadResult | undefined {
  return results.find((topology) => topology.name === name)?.runs.find((run) => run.connections === connections);
}

/**
 * The peer's RPS at a connection count: the mean of its measurements before and after the
 * platform cases, so a load change on the shared machine during the run weighs on both sides.
 */
/** The peer's server CPU per request at a connection count: the mean of its measurements. */
export function peerCpuMicros(results: TopologyResult[], connections: number): number | undefined {
  const values = results.filter((topology) => topology.peer)
    .flatMap((topology) => topology.runs.filter((run) => run.connections === connections && run.cpu !== null).map((run) => run.cpu!.serverMicrosPerRequest));
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function peerRps(results: TopologyResult[], connections: number): number | undefined {
  const runs = results.filter((topology) => topology.peer)
    .flatMap((topology) => topology.runs.filter((run) => run.connections === connections));
  return runs.length === 0 ? undefined : runs.reduce((sum, run) => sum + run.rps, 0) / runs.length;
}

export function checkTargets(topologies: TopologyResult[]): TargetCheck[] {
  const at = TARGETS.atConnections;
  const peer = peerRps(topologies, at);
  const checks: TargetCheck[] = [];
  const share = (name: string, minShare: number, maxP95?: number) => {
    const run = runAt(topologies, name, at);
    const target = `≥ ${pct(minShare)} of hello-world RPS${maxP95 === undefined ? '' : ` and p95 < ${maxP95} ms`} at ${at} connections`;
    if (!run || !peer) return checks.push({ check: name, target, measured: 'not measured', met: null });
    const ratio = run.rps / peer;
    const met = ratio >= minShare && (maxP95 === undefined || run.latencyMs.p95 < maxP95);
    checks.push({ check: name, target, measured: `${int(run.rps)} / ${int(peer)} RPS = ${pct(ratio)}, p95 ${ms(run.latencyMs.p95)} ms`, met });
  };
  share('all-in-one', TARGETS.allInOneShare, TARGETS.allInOneP95Ms);
  share('distributed', TARGETS.distributedShare);
  for (const topology of topologies.filter((each) => !each.peer)) {
    for (const run of topology.runs) {
      checks.push({
        check: `floor: ${topology.name} at ${run.connections} connections`,
        target: `≥ ${int(TARGETS.floorRps)} RPS with p95 < ${TARGETS.floorP95Ms} ms`,
        measured: `${int(run.rps)} RPS, p95 ${ms(run.latencyMs.p95)} ms`,
        met: run.rps >= TARGETS.floorRps && run.latencyMs.p95 < TARGETS.floorP95Ms,
      });
    }
  }
  return checks;
}

const verdict = (met: boolean | null) => (met === null ? 'not measured' : met ? '**pass**' : '**FAIL**');

function errorsOf(run: LoadResult): string {
  const other = Object.entries(run.statusCounts).filter(([status]) => !status.startsWith('2')).map(([status, count]) => `${count}×${status}`);
  const parts = [...other, ...(run.errors > 0 ? [`${run.errors} errors`] : []), ...(run.timeouts > 0 ? [`${run.timeouts} timeouts`] : [])];
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function processNotes(processes: ProcessHealth[]): string {
  const notes = processes.map((process) => `${process.name} ${process.exitedDuringRun ? '**exited during the run**' : 'ran throughout'}, ${process.logLines} log lines at warn or above`);
  return `Processes: ${notes.join('; ')}.`;
}

function cpuCells(topology: TopologyResult, run: LoadResult, peerCpu: number | undefined): string {
  if (!run.cpu) return '– | – | – | –';
  const share = peerCpu && !topology.peer ? pct(peerCpu / run.cpu.serverMicrosPerRequest) : '–';
  return `${int(run.cpu.serverMicrosPerRequest)} | ${share} | ${run.cpu.serverCores.toFixed(2)} | ${run.cpu.loadGeneratorCores.toFixed(2)}`;
}

function loadRow(topology: TopologyResult, run: LoadResult, peer: number | undefined, peerCpu: number | undefined): string {
  const share = peer && !topology.peer ? pct(run.rps / peer) : '–';
  return `| ${topology.name} | ${run.connections} | **${int(run.rps)}** | ${share} | ${cpuCells(topology, run, peerCpu)} | ${ms(run.latencyMs.p50)} | **${ms(run.latencyMs.p95)}** | ${ms(run.latencyMs.p99)} | ${ms(run.latencyMs.max)} | ${run.autocannonLatencyMs.p50} / ${run.autocannonLatencyMs.p97_5} / ${run.autocannonLatencyMs.p99} | ${int(run.ok)} | ${errorsOf(run)} |`;
}

export function renderMarkdown(results: UsersMeResults): string {
  const { machine, settings } = results;
  const lines = [
    `# GET /api/users/me benchmark — ${results.date}`,
    '',
    ...(results.quick ? ['> **Quick run** (short phases): a smoke test of the harness, not a measurement.', ''] : []),
    `- Command: \`${results.command}\`${results.args.length > 0 ? ` with \`${results.args.join(' ')}\`` : ''}`,
    `- Whole run: ${results.totalSeconds.toFixed(1)} s`,
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores (nproc ${machine.availableParallelism}), ${machine.memoryGiB} GiB; Node ${machine.node}; Redis ${machine.redis}; PostgreSQL ${machine.postgres ?? 'not reachable'}`,
    `- Load average (1/5/15 min) before the run ${machine.loadAverageAtStart.join(' / ')}, after ${machine.loadAverageAtEnd.join(' / ')} — the machine is shared (other processes may compete for CPU); compare the ratios to the hello-world peer of the same run.`,
    `- Request: ${results.workload}. Load generator: ${settings.loadGenerator}, in the bench process, on the same machine as the servers. Each case: ${settings.warmupSeconds} s warm-up (discarded), then ${settings.seconds} s measured; a fresh login before each case.`,
    `- Platform settings: LOG_LEVEL=${settings.logLevel}, RATE_LIMIT_STANDARD = RATE_LIMIT_CREDENTIALS = ${settings.rateLimits} (the limiter runs on every request but never refuses).`,
    '- RPS = 2xx responses / measured seconds. p50/p95/p99/max: exact nearest-rank percentiles over every 2xx response time of the measured run, taken from autocannon\'s per-response event (float ms); autocannon\'s own hdr-histogram figures (whole ms; it has no p95) are shown beside them.',
    '',
    '## Targets',
    '',
    '| check | target | measured | result |',
    '|---|---|---|---|',
    ...results.targets.map((target) => `| ${target.check} | ${target.target} | ${target.measured} | ${verdict(target.met)} |`),
    '',
    '## Figures',
    '',
    '| case | connections | RPS | × hello-world RPS | server CPU µs/request | hello-world CPU ÷ this CPU per request | servers\' cores busy | load generator cores busy | p50 ms | p95 ms | p99 ms | max ms | autocannon p50 / p97.5 / p99 ms | 2xx | non-2xx / errors |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.topologies.flatMap((topology) => topology.runs.map((run) => loadRow(topology, run, peerRps(results.topologies, run.connections), peerCpuMicros(results.topologies, run.connections)))),
    '',
    '"× hello-world RPS" and "hello-world CPU ÷ this CPU" compare with the mean of the two hello-world measurements at the same connection count. Server CPU = user + system time of every server process (/proc) during the measured run, divided by the responses: unlike RPS it hardly moves when other processes compete for the cores, so its ratio estimates the RPS ratio on a quiet machine where the server is CPU-bound.',
    '',
    ...results.topologies.map((topology) => `- **${topology.name}**: ${topology.description}. ${processNotes(topology.processes)}`),
    '',
  ];
  if (results.login) {
    const run = results.login.result;
    lines.push(
      '## Login throughput (all-in-one)',
      '',
      `POST /api/auth/login through the gateway (\`client: 'api'\`), ${run.connections} connections, ${settings.warmupSeconds} s warm-up then ${settings.seconds} s; ${results.login.users} users, one per connection (auth counts an attempt as a failure until its password is verified, so more than 3 concurrent logins of one account get 429 by design); argon2: ${results.login.argon2}.`,
      '',
      '| successful logins/s | server CPU ms/login | server cores busy | p50 ms | p95 ms | p99 ms | max ms | 2xx | non-2xx / errors |',
      '|---|---|---|---|---|---|---|---|---|',
      `| **${int(run.rps)}** | ${run.cpu ? (run.cpu.serverMicrosPerRequest / 1000).toFixed(1) : '–'} | ${run.cpu ? run.cpu.serverCores.toFixed(2) : '–'} | ${ms(run.latencyMs.p50)} | ${ms(run.latencyMs.p95)} | ${ms(run.latencyMs.p99)} | ${ms(run.latencyMs.max)} | ${int(run.ok)} | ${errorsOf(run)} |`,
      '',
    );
  }
  return lines.join('\n');
}

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export async function writeResults(results: Omit<UsersMeResults, 'date' | 'command' | 'machine' | 'targets'> & { machine: MachineInfo }): Promise<{ files: string[]; full: UsersMeResults }> {
  const date = new Date().toISOString().slice(0, 10);
  const full: UsersMeResults = {
    ...results,
    date,
    command: COMMAND,
    machine: { ...results.machine, availableParallelism: availableParallelism(), loadAverageAtEnd: loadavg().map((value) => round(value)) },
    targets: checkTargets(results.topologies),
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const base = `${RESULTS_DIR}users-me-${date}${results.quick ? '-quick' : ''}`;
  await writeFile(`${base}.json`, JSON.stringify(full, null, 2) + '\n');
  await writeFile(`${base}.md`, renderMarkdown(full));
  return { files: [`${base}.md`, `${base}.json`], full };
}
