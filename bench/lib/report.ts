import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { PhaseResult } from './bus-scenario.ts';
import type { MachineInfo } from './machine.ts';
import type { StepCost } from './profile.ts';
import type { RawXaddResult } from './raw-xadd.ts';
import type { ScenarioResult } from './scenarios.ts';
import { round } from './stats.ts';

export const COMMAND = 'npm run bench:bus   (node --import tsx bench/event-bus.ts)';
export const TARGET = { endToEndPerSecond: 20_000, p99MsAtRate: 25, rate: 5_000 };

export interface BenchResults {
  date: string;
  command: string;
  totalSeconds: number;
  quick: boolean;
  machine: MachineInfo & { loadAverageAtEnd: number[] };
  payloadBytes: number;
  rawXadd: RawXaddResult;
  scenarios: ScenarioResult[];
  steps: StepCost[];
  verdict: Verdict;
}

interface Verdict {
  bestEndToEndPerSecond: number;
  bestEndToEndScenario: string;
  p99AtRateMs: number | null;
  p99AtRateScenario: string | null;
  throughputMet: boolean;
  latencyMet: boolean;
}

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

function verdictOf(scenarios: ScenarioResult[]): Verdict {
  const redis = scenarios.filter((scenario) => scenario.transport === 'redis');
  const full = redis.flatMap((scenario) => scenario.phases.filter((phase) => phase.kind === 'full-speed').map((phase) => ({ scenario, phase })));
  const best = full.sort((a, b) => b.phase.endToEndPerSecond - a.phase.endToEndPerSecond)[0];
  const atRate = redis
    .flatMap((scenario) => scenario.phases.filter((phase) => phase.kind === 'fixed-rate').map((phase) => ({ scenario, phase })))
    .sort((a, b) => a.phase.latencyMs.p99 - b.phase.latencyMs.p99)[0];
  return {
    bestEndToEndPerSecond: round(best?.phase.endToEndPerSecond ?? 0, 0),
    bestEndToEndScenario: best?.scenario.name ?? 'none',
    p99AtRateMs: atRate ? round(atRate.phase.latencyMs.p99) : null,
    p99AtRateScenario: atRate?.scenario.name ?? null,
    throughputMet: (best?.phase.endToEndPerSecond ?? 0) >= TARGET.endToEndPerSecond,
    latencyMet: atRate !== undefined && atRate.phase.latencyMs.p99 < TARGET.p99MsAtRate,
  };
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');
const int = (value: number) => Math.round(value).toLocaleString('en-US');

function phaseRow(scenario: ScenarioResult, phase: PhaseResult, raw: number): string {
  const rate = phase.targetRate ? `${int(phase.targetRate)}/s` : 'full';
  return `| ${scenario.name} | ${rate} | ${int(phase.events)} | ${int(phase.publish.achievedRate)} | **${int(phase.endToEndPerSecond)}** | ${(phase.endToEndPerSecond / raw).toFixed(3)} | ${ms(phase.latencyMs.p50)} | ${ms(phase.latencyMs.p95)} | **${ms(phase.latencyMs.p99)}** | ${ms(phase.latencyMs.max)} | ${phase.lagAtEnd} | ${phase.handled === phase.events && phase.acked === phase.events ? 'yes' : `no (${phase.handled}/${phase.acked})`} |`;
}

function breakdownRows(scenario: ScenarioResult, phase: PhaseResult): string[] {
  return phase.consumers.map((c, index) => {
    const rate = phase.targetRate ? `${int(phase.targetRate)}/s` : 'full';
    const perEvent = (value: number) => (c.entriesRead > 0 ? ((value * 1000) / c.entriesRead).toFixed(1) : '–');
    return `| ${scenario.name} #${index + 1} | ${rate} | ${int(c.reads)} | ${c.reads > 0 ? (c.entriesRead / c.reads).toFixed(1) : '–'} | ${perEvent(c.processMs)} | ${perEvent(c.readWaitMs)} | ${perEvent(c.ackWaitMs)} | ${perEvent(c.cpuUserMs + c.cpuSystemMs)} | ${(c.eventLoopUtilization * 100).toFixed(0)}% |`;
  });
}

export function renderMarkdown(results: BenchResults): string {
  const raw = results.rawXadd.perSecond;
  const { machine, verdict } = results;
  const phases = results.scenarios.flatMap((scenario) => scenario.phases.map((phase) => ({ scenario, phase })));
  const lines = [
    `# Event bus benchmark — ${results.date}`,
    '',
    `- Command: \`${results.command}\`${results.quick ? ' with `--quick` (smoke run, not a measurement)' : ''}`,
    `- Whole run: ${results.totalSeconds.toFixed(1)} s`,
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; Redis ${machine.redis}; PostgreSQL ${machine.postgres ?? 'not reachable (skipped)'}`,
    `- Load average (1/5/15 min) at start ${machine.loadAverageAtStart.join(' / ')}, at end ${machine.loadAverageAtEnd.join(' / ')} — the machine is shared; compare ratios to the raw XADD peer of the same run.`,
    `- Events: \`message.sent\` envelopes built by createEvent, ${results.payloadBytes} B each; publisher appends batches of ${results.rawXadd.batchSize} with transport.append (one batch in flight, as the outbox relay); consumers are the real createConsumer with the inbox and a one-row insert as the handler's effect.`,
    '',
    '## Target',
    '',
    `| | target | measured | met |`,
    `|---|---|---|---|`,
    `| end-to-end throughput, Redis bus | ≥ ${int(TARGET.endToEndPerSecond)} events/s | ${int(verdict.bestEndToEndPerSecond)} events/s (${verdict.bestEndToEndScenario}) | ${verdict.throughputMet ? 'yes' : 'no'} |`,
    `| p99 publish → handler at ${int(TARGET.rate)} events/s | < ${TARGET.p99MsAtRate} ms | ${verdict.p99AtRateMs === null ? 'not measured' : `${ms(verdict.p99AtRateMs)} ms (${verdict.p99AtRateScenario})`} | ${verdict.latencyMet ? 'yes' : 'no'} |`,
    '',
    '## Peer: raw XADD to the same Redis',
    '',
    `${int(results.rawXadd.entries)} entries of ${results.rawXadd.payloadBytes} B in ioredis pipelines of ${results.rawXadd.batchSize}, one pipeline in flight: **${int(raw)} entries/s** (${results.rawXadd.seconds.toFixed(2)} s).`,
    '',
    '## Bus figures',
    '',
    'Throughput = events / (first publish → last ack), checked with lag 0 at the end. Latency = handler start − publish time carried in the event (ms). At full speed the publisher outruns the consumer, so latency there is mostly queueing.',
    '',
    '| scenario | rate | events | publish/s achieved | end-to-end events/s | × raw XADD | p50 | p95 | p99 | max | lag at end | all handled + acked |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...phases.map(({ scenario, phase }) => phaseRow(scenario, phase, raw)),
    '',
    'Scenarios: `redis-<db>-<n>` = Redis Streams bus, inbox on SQLite (temp file) or PostgreSQL (fresh database), n consumer child processes in one group; `embedded-sqlite` = embedded SQLite bus, publisher and consumer in one process.',
    '',
    'Consumer tuning: ' + [...new Map(results.scenarios.map((scenario) => [scenario.name, `${scenario.name} batchSize ${scenario.tuning.batchSize}, transactionBatchSize ${scenario.tuning.transactionBatchSize}, concurrency ${scenario.tuning.concurrency}, blockMs ${scenario.tuning.blockMs}`])).values()].join('; ') + '.',
    '',
    '## Where the consumer time goes (measured inside the consumer during the run)',
    '',
    'Per event, µs: *process* = decode + handler transactions of a batch (read end → ack start); *read wait* = waiting in XREADGROUP (includes idle blocking when the consumer is ahead); *ack wait* = the XACK round trip; *CPU* = consumer process CPU.',
    '',
    '| consumer | rate | reads | events/read | process µs/ev | read wait µs/ev | ack wait µs/ev | CPU µs/ev | event loop busy |',
    '|---|---|---|---|---|---|---|---|---|',
    ...phases.flatMap(({ scenario, phase }) => breakdownRows(scenario, phase)),
    '',
    '## CPU profile of the consumer (an extra full-speed run under the V8 sampling profiler, not in the figures above)',
    '',
    'Self time by area; native frames are named with the package that called them (`native run ← kysely` is SQLite executing a statement). The embedded profile covers the whole process, publisher included.',
    '',
    ...results.scenarios.flatMap((scenario) => scenario.cpuProfiles.flatMap((profile, index) => [
      `### ${scenario.name} consumer #${index + 1} — ${int(profile.totalMs)} ms sampled`,
      '',
      '| area | ms | share |',
      '|---|---|---|',
      ...profile.byArea.map((area) => `| ${area.area} | ${int(area.ms)} | ${(area.share * 100).toFixed(1)}% |`),
      '',
      '| top functions (self time) | area | ms | share |',
      '|---|---|---|---|',
      ...profile.topFunctions.slice(0, 10).map((fn) => `| \`${fn.name}\` | ${fn.area} | ${int(fn.ms)} | ${(fn.share * 100).toFixed(1)}% |`),
      '',
    ])),
    '## Step costs, each measured alone in the bench process',
    '',
    '| step | events | µs/event | ceiling events/s for one process |',
    '|---|---|---|---|',
    ...results.steps.map((step) => `| ${step.step} | ${int(step.events)} | ${step.microsPerEvent.toFixed(1)} | ${int(step.ceilingPerSecond)} |`),
    '',
  ];
  return lines.join('\n');
}

export async function writeResults(results: Omit<BenchResults, 'verdict' | 'machine' | 'date' | 'command'> & { machine: MachineInfo }): Promise<{ files: string[]; verdict: Verdict }> {
  const date = new Date().toISOString().slice(0, 10);
  const full: BenchResults = {
    date,
    command: COMMAND,
    ...results,
    machine: { ...results.machine, loadAverageAtEnd: loadavg().map((value) => round(value)) },
    verdict: verdictOf(results.scenarios),
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const base = `${RESULTS_DIR}event-bus-${date}${results.quick ? '-quick' : ''}`;
  // Latency samples are summarized; the JSON keeps every figure of the tables.
  await writeFile(`${base}.json`, JSON.stringify(full, null, 2) + '\n');
  await writeFile(`${base}.md`, renderMarkdown(full));
  return { files: [`${base}.md`, `${base}.json`], verdict: full.verdict };
}
