import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ChatConcurrencyResult, ThroughputRun } from './chat-concurrency.ts';
import type { FirstDeltaResult } from './chat-latency.ts';
import type { ProcessMemory } from './chat-memory.ts';
import type { CpuProfileSummary } from './cpu-profile.ts';
import type { MachineInfo } from './machine.ts';
import type { ProcessHealth } from './topologies.ts';

export const COMMAND = 'npm run bench:chat-flow   (node --import tsx bench/chat-flow.ts)';
export const TARGETS = { firstDeltaAddedP50Ms: { 'all-in-one': 10, distributed: 20 } as Record<string, number>, repliesPerSecond: 100 };

export interface ProcessSample { name: string; pid?: number; memoryBefore?: ProcessMemory; memoryAfter?: ProcessMemory; cpuSeconds?: number }

export interface FirstDeltaCase { topology: string; description: string; result: FirstDeltaResult; processes: ProcessHealth[]; profiles: NamedProfile[] }
export interface ConcurrencyCase {
  topology: string;
  description: string;
  /** Which process(es) host the chat and AI services. */
  hosts: string;
  conversations: number;
  rounds: number;
  direct: ThroughputRun;
  result: ChatConcurrencyResult;
  processes: ProcessSample[];
  health: ProcessHealth[];
  /** CPU of this (client) process during the run, in cores busy. */
  clientCores: number;
  fakeLlmCpuSeconds?: number;
  profiles: NamedProfile[];
}
export interface NamedProfile { process: string; summary: CpuProfileSummary }

export interface ChatFlowResults {
  date: string;
  command: string;
  args: string[];
  totalSeconds: number;
  quick: boolean;
  profiled: boolean;
  machine: MachineInfo & { availableParallelism: number; loadAverageAtEnd: number[] };
  fakeLlm: { tokens: number; tokenDelayMs: number; process: string };
  platformEnv: Record<string, string>;
  firstDelta: FirstDeltaCase[];
  concurrency: ConcurrencyCase[];
  targets: TargetCheck[];
}

export interface TargetCheck { check: string; target: string; measured: string; met: boolean | null }

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const mib = (kib: number | undefined) => (kib === undefined || !Number.isFinite(kib) ? '–' : `${(kib / 1024).toFixed(0)} MiB`);

export function checkTargets(firstDelta: FirstDeltaCase[], concurrency: ConcurrencyCase[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const each of firstDelta) {
    const limit = TARGETS.firstDeltaAddedP50Ms[each.topology];
    const { result } = each;
    checks.push({
      check: `2. added time to first delta, ${each.topology}`,
      target: limit === undefined ? 'report only' : `p50 < ${limit} ms over the direct fake LLM`,
      measured: `p50 ${ms(result.addedMs.p50)} / p90 ${ms(result.addedMs.p90)} / p99 ${ms(result.addedMs.p99)} ms added (chat p50 ${ms(result.chatMs.p50)} ms, direct p50 ${ms(result.directMs.p50)} ms, ${result.samples} samples, ${result.badAnswers} bad answers, ${result.errors.length} errors)`,
      met: limit === undefined ? null : result.samples > 0 && result.addedMs.p50 < limit && result.errors.length === 0,
    });
  }
  for (const each of concurrency) {
    const { result } = each;
    const allComplete = result.completed === result.started && result.failed === 0;
    const intact = result.contiguous === result.started && result.duplicates === 0 && result.gaps === 0 && result.matchingStored === result.started;
    checks.push({
      check: `3. ${int(each.conversations)} concurrent conversations × ${each.rounds} rounds, ${each.topology} (${each.hosts})`,
      target: `all complete, no lost or duplicated delta (socket = stored, seqs 1..n), ≥ ${TARGETS.repliesPerSecond} completed replies/s`,
      measured: `${int(result.completed)}/${int(result.started)} completed, ${int(result.matchingStored)} equal to stored, ${int(result.contiguous)} contiguous (${result.duplicates} dup., ${result.gaps} gaps), ${result.perSecond.toFixed(1)} replies/s (direct peer ${each.direct.perSecond.toFixed(1)}/s)`,
      met: allComplete && intact && result.perSecond >= TARGETS.repliesPerSecond,
    });
  }
  return checks;
}

function summaryRow(name: string, s: { p50: number; p90: number; p99: number; max: number; count: number }): string {
  return `| ${name} | ${s.count} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} |`;
}

function profileSection(profiles: NamedProfile[]): string[] {
  const lines: string[] = [];
  for (const { process, summary } of profiles) {
    const busy = summary.byArea.filter((area) => !area.area.startsWith('idle')).reduce((sum, area) => sum + area.ms, 0);
    lines.push('', `CPU profile of **${process}** (V8 sampling profiler at 1 ms, over the measured window only; ${int(summary.totalMs)} ms sampled, ${int(busy)} ms not idle):`, '');
    lines.push('| area (self time) | ms | share of samples |', '|---|---|---|');
    for (const area of summary.byArea) lines.push(`| ${area.area} | ${int(area.ms)} | ${(area.share * 100).toFixed(1)} % |`);
    lines.push('', '| function (self time) | area | ms | share |', '|---|---|---|---|');
    for (const fn of summary.topFunctions) lines.push(`| \`${fn.name}\` | ${fn.area} | ${int(fn.ms)} | ${(fn.share * 100).toFixed(1)} % |`);
  }
  return lines;
}

function markdown(results: ChatFlowResults): string {
  const { machine } = results;
  const lines = [
    `# Chat flow benchmark — ${results.date}${results.quick ? ' (quick)' : ''}${results.profiled ? ' (under the CPU profiler)' : ''}`,
    '',
    `Command: \`${COMMAND}${results.args.length ? ` ${results.args.join(' ')}` : ''}\` — ${results.totalSeconds.toFixed(0)} s`,
    '',
    `Machine: ${machine.cpuModel}, nproc ${machine.cores} (available parallelism ${machine.availableParallelism}), ${machine.memoryGiB} GiB, Node ${machine.node}, Redis ${machine.redis}, PostgreSQL ${machine.postgres ?? 'not used'}; load average at start ${machine.loadAverageAtStart.join(' / ')}, at end ${machine.loadAverageAtEnd.join(' / ')} (1/5/15 min). Shared 2-core VM: the bench client, the fake LLM, the platform, PostgreSQL and Redis share the same cores.`,
    '',
    `Upstream: ${results.fakeLlm.process}, every reply ${results.fakeLlm.tokens} tokens, one every ${results.fakeLlm.tokenDelayMs} ms (first token at once).`,
    '',
    'Platform settings added for the bench (besides `RATE_LIMIT_STANDARD=RATE_LIMIT_CREDENTIALS=1000000/60s`, `LOG_LEVEL=warn`):',
    '',
    '```',
    ...Object.entries(results.platformEnv).map(([name, value]) => `${name}=${value}`),
    '```',
    '',
    '## Verdict',
    '',
    '| check | target | measured | met |',
    '|---|---|---|---|',
    ...results.targets.map((check) => `| ${check.check} | ${check.target} | ${check.measured} | ${check.met === null ? '–' : check.met ? 'yes' : '**no**'} |`),
  ];

  if (results.firstDelta.length > 0) {
    lines.push('', '## 2. Added time to first delta (POST → first `delta` on the WebSocket)', '');
    lines.push('Sequential: one chat sample (POST `/api/chat/conversations/:id/messages` → first `delta` entry of that answer on the user\'s socket, then wait for its `end`), then one direct sample (the same streamed completion asked of the fake LLM from the bench process → first content chunk, read to the end), and so on. Added = chat pN − direct pN; "paired" = per-sample chat − the direct sample right after it. Samples rotate over a few conversations (titles given, so no title generation), histories stay short.', '');
    for (const each of results.firstDelta) {
      const { result } = each;
      lines.push(`### ${each.topology}`, '', each.description, '');
      lines.push('| ms | samples | p50 | p90 | p99 | max |', '|---|---|---|---|---|---|');
      lines.push(summaryRow('chat flow: POST → first delta on socket', result.chatMs));
      lines.push(summaryRow('direct: request → first token (peer)', result.directMs));
      lines.push(`| **added** (chat pN − direct pN) | | **${ms(result.addedMs.p50)}** | ${ms(result.addedMs.p90)} | ${ms(result.addedMs.p99)} | |`);
      lines.push(summaryRow('paired added (per sample)', result.pairedAddedMs));
      lines.push(summaryRow('stage: POST → `status queued` on socket', result.stagesMs.postToQueued));
      lines.push(summaryRow('stage: `queued` → `status streaming` (upstream call to its first token)', result.stagesMs.queuedToStreaming));
      lines.push(summaryRow('stage: `streaming` → first `delta` (held by the stream writer)', result.stagesMs.streamingToFirstDelta));
      lines.push(summaryRow('POST → 202', result.acceptedMs));
      lines.push(summaryRow('chat: first delta → end', result.chatStreamMs));
      lines.push(summaryRow('direct: first token → end', result.directStreamMs));
      lines.push('', `${result.conversations} conversations; answers not equal to the fake's reply or not completed: ${result.badAnswers}; errors: ${result.errors.length === 0 ? 'none' : result.errors.join('; ')}.`);
      lines.push(`Processes: ${each.processes.map((p) => `${p.name} (${p.logLines} log lines${p.exitedDuringRun ? ', EXITED' : ''})`).join(', ')}.`);
      lines.push(...profileSection(each.profiles));
      lines.push('');
    }
  }

  if (results.concurrency.length > 0) {
    lines.push('', '## 3. Concurrent streaming conversations', '');
    lines.push('Every conversation is a loop — POST a message, wait for its `end` on the user\'s socket, POST again — for the given rounds; all loops start together, so that many answers are in flight at once (closed loop). Replies/s = completed answers ÷ (first POST → last `end`). Afterwards each answer\'s socket entries are checked (seqs exactly 1..n, each once) and its concatenated deltas compared with the assistant message fetched with `GET /api/chat/conversations/:id`. The peer runs the same number of streams as loops directly against the fake LLM from the bench process, just before.', '');
    for (const each of results.concurrency) {
      const { result, direct } = each;
      lines.push(`### ${each.topology} — chat and AI in ${each.hosts}`, '', each.description, '');
      lines.push('| | streams at once | answers | completed | failed | seconds | **replies/s** | answer p50 / p99 ms |', '|---|---|---|---|---|---|---|---|');
      lines.push(`| chat flow (${result.users} users, one WebSocket each) | ${int(each.conversations)} | ${int(result.started)} | ${int(result.completed)} | ${result.failed} | ${result.seconds.toFixed(1)} | **${result.perSecond.toFixed(1)}** | ${ms(result.answerMs.p50)} / ${ms(result.answerMs.p99)} |`);
      lines.push(`| direct fake LLM (peer) | ${int(each.conversations)} | ${int(direct.started)} | ${int(direct.completed)} | ${direct.failed} | ${direct.seconds.toFixed(1)} | ${direct.perSecond.toFixed(1)} | ${ms(direct.answerMs.p50)} / ${ms(direct.answerMs.p99)} |`);
      lines.push('');
      lines.push(`- Integrity: ${int(result.contiguous)} of ${int(result.started)} answers with seqs exactly 1..n; ${result.duplicates} duplicated and ${result.gaps} missing entries; ${result.resets} resets; ${int(result.matchingStored)} answers equal to the stored message${result.mismatches.length ? ` (first mismatches: ${result.mismatches.join('; ')})` : ''}.`);
      lines.push(`- First delta under load (POST → first delta): p50 ${ms(result.firstDeltaMs.p50)} / p90 ${ms(result.firstDeltaMs.p90)} / p99 ${ms(result.firstDeltaMs.p99)} ms; ${int(result.framesReceived)} WebSocket frames received.`);
      lines.push(`- Completed per second of the run: ${result.perSecondBuckets.join(', ')}.`);
      lines.push(`- Errors: ${result.errors.length === 0 ? 'none' : result.errors.join('; ')}${direct.errors.length ? `; peer: ${direct.errors.join('; ')}` : ''}.`);
      lines.push('', '| process | peak RSS (VmHWM) | RSS before → after | CPU seconds during the run |', '|---|---|---|---|');
      for (const process of each.processes) {
        lines.push(`| ${process.name} (pid ${process.pid ?? '?'}) | **${mib(process.memoryAfter?.peakRssKiB)}** | ${mib(process.memoryBefore?.rssKiB)} → ${mib(process.memoryAfter?.rssKiB)} | ${process.cpuSeconds === undefined ? '–' : process.cpuSeconds.toFixed(1)} |`);
      }
      const platformCpu = each.processes.reduce((sum, process) => sum + (process.cpuSeconds ?? 0), 0);
      const hostCpu = each.processes.filter((process) => each.topology === 'all-in-one' || process.name === 'chat' || process.name === 'ai')
        .reduce((sum, process) => sum + (process.cpuSeconds ?? 0), 0);
      if (result.completed > 0 && platformCpu > 0) {
        const perAnswer = (seconds: number) => (seconds * 1000) / result.completed;
        lines.push('', `**CPU per completed answer** (load-independent): ${perAnswer(platformCpu).toFixed(1)} ms in all platform processes, ${perAnswer(hostCpu).toFixed(1)} ms in the process(es) hosting chat and AI; the platform processes kept ${(platformCpu / result.seconds).toFixed(2)} cores busy on average. At this cost one dedicated core per Node process would allow about ${int(1000 / perAnswer(each.topology === 'all-in-one' ? hostCpu : Math.max(...each.processes.filter((p) => p.name === 'chat' || p.name === 'ai').map((p) => p.cpuSeconds ?? 0))))} answers/s (the busiest process's ceiling).`);
      }
      lines.push('', `Bench client ${each.clientCores.toFixed(2)} cores busy; fake LLM ${each.fakeLlmCpuSeconds === undefined ? '–' : `${each.fakeLlmCpuSeconds.toFixed(1)} CPU seconds`} (peer and chat runs together).`);
      lines.push(`Process health: ${each.health.map((p) => `${p.name} (${p.logLines} log lines${p.exitedDuringRun ? ', EXITED' : ''})`).join(', ')}.`);
      lines.push(...profileSection(each.profiles));
      lines.push('');
    }
  }
  return `${lines.join('\n')}\n`;
}

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** The .md of an earlier run again, from its .json (targets re-checked), e.g. after the report gained a line. */
export async function renderResults(jsonFile: string): Promise<{ files: string[] }> {
  const results = JSON.parse(await readFile(jsonFile, 'utf8')) as ChatFlowResults;
  results.targets = checkTargets(results.firstDelta, results.concurrency);
  const file = jsonFile.replace(/\.json$/, '.md');
  await writeFile(file, markdown(results));
  return { files: [file] };
}

export async function writeResults(results: Omit<ChatFlowResults, 'date' | 'command' | 'machine' | 'targets'> & { machine: MachineInfo; suffix?: string }): Promise<{ files: string[] }> {
  const date = new Date().toISOString().slice(0, 10);
  const full: ChatFlowResults = {
    ...results,
    date,
    command: COMMAND,
    machine: { ...results.machine, availableParallelism: availableParallelism(), loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100) },
    targets: checkTargets(results.firstDelta, results.concurrency),
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const base = `${RESULTS_DIR}chat-flow-${date}${results.quick ? '-quick' : ''}${results.suffix ? `-${results.suffix}` : ''}`;
  await writeFile(`${base}.md`, markdown(full));
  await writeFile(`${base}.json`, `${JSON.stringify(full, null, 2)}\n`);
  return { files: [`${base}.md`, `${base}.json`] };
}
