import { cpus, totalmem } from 'node:os';
import { round, summarizeLatencies } from './stats.ts';
import type { OpenSample } from './web-measure.ts';

export interface WebReportInput {
  command: string;
  startedAt: Date;
  loadAtStart: number[];
  loadAtEnd: number[];
  chromium: string;
  exchanges: number;
  opens: number;
  seedSeconds: number;
  app: OpenSample[];
  peer: OpenSample[];
  /** Query strings of the conversation reads the app made on its first open. */
  requestedPages: string[];
  scrolled: { domMessages: number; loadedPages: number };
  env: Record<string, string>;
}

const TARGET_SCRIPT_MS = 300;
const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' / ');

function row(name: string, samples: OpenSample[], pick: (sample: OpenSample) => number): string {
  const summary = summarizeLatencies(samples.map(pick));
  return `| ${name} | ${round(summary.p50, 1)} | ${round(summary.p95, 1)} | ${round(summary.max, 1)} |`;
}

function table(samples: OpenSample[]): string[] {
  const dom = samples.map((sample) => sample.domMessages);
  return [
    '| per open | p50 | p95 | max |',
    '|---|---|---|---|',
    row('**scripting** (ScriptDuration), ms', samples, (sample) => sample.scriptMs),
    row('scripting until settled (network idle 500 ms), ms', samples, (sample) => sample.settledScriptMs),
    row('all main-thread tasks (TaskDuration), ms', samples, (sample) => sample.taskMs),
    row('style + layout, ms', samples, (sample) => sample.layoutMs),
    row('DOMContentLoaded, ms since navigation start', samples, (sample) => sample.domContentLoadedMs),
    row('last API response before the check, ms since navigation start', samples, (sample) => sample.lastApiResponseMs),
    row('visible (performance.now() at the check), ms', samples, (sample) => sample.visibleMs),
    row('JS heap used, MiB', samples, (sample) => sample.heapMiB),
    '',
    `Message elements in the DOM at that moment: ${Math.min(...dom)}–${Math.max(...dom)}.`,
    ...(samples[0]?.requests.length ? ['', `Requests that ended before the check in the first open (path, start–end ms since navigation start): ${samples[0].requests.map((request) => `\`${request}\``).join(', ')}.`] : []),
  ];
}

/** The result file, in the house style: command, date, machine and load, setup, numbers, peer, target. */
export function renderWebReport(input: WebReportInput): string {
  const scripting = summarizeLatencies(input.app.map((sample) => sample.scriptMs));
  const peerScripting = summarizeLatencies(input.peer.map((sample) => sample.scriptMs));
  const met = scripting.p95 < TARGET_SCRIPT_MS;
  const processors = cpus();
  return [
    `# A ${(input.exchanges * 2).toLocaleString('en-US')}-message conversation opened cold in the web app — ${input.startedAt.toISOString().slice(0, 10)}`,
    '',
    `Command: \`${input.command}\` (after \`npm run build:web\`)`,
    '',
    `Run at ${input.startedAt.toISOString().slice(11, 16)} UTC. Machine: ${processors[0]?.model.trim() ?? 'unknown'}, ${processors.length} cores, ${round(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, Chromium ${input.chromium} (headless, Debian's /usr/bin/chromium driven by playwright-core); load average at start ${load(input.loadAtStart)}, at the end ${load(input.loadAtEnd)} (a shared machine: other engineers' builds and tests ran meanwhile).`,
    '',
    `Setup: \`versaai start\` (all-in-one, its own process, serving the production build of apps/web) pointed at the fake LLM (in the bench's process). One conversation of ${input.exchanges} exchanges (${(input.exchanges * 2).toLocaleString('en-US')} messages) was sent through the API one exchange at a time, each answer awaited (${round(input.seedSeconds, 1)} s); the answers rotate through six Markdown replies (headings, lists, a table, fenced TypeScript, SQL and Python code, a quote).`,
    '',
    `Each open: a new browser context (empty HTTP cache, its own session from \`POST /api/auth/login\`), a same-origin blank page, \`Performance.enable\` (thread ticks), metrics, navigation to \`/chat/<id>\`, then polled every animation frame until the newest message's text is in the DOM; metrics again. Scripting = the ScriptDuration delta (JavaScript on the main thread: the app's bundle, Vue, Markdown + DOMPurify + highlight.js, the virtualiser; the probe's per-frame check is included). The app emits no \`performance.mark\`; "visible" is the page's own \`performance.now()\` (from navigation start) when the check first passed. ${input.opens} opens of each page.`,
    '',
    `Platform settings: \`${JSON.stringify(input.env)}\``,
    '',
    '## The web app (virtualised list)',
    '',
    ...table(input.app),
    `The app read the conversation with: ${input.requestedPages.length ? input.requestedPages.map((page) => `\`${page}\``).join(', ') : '(no request seen)'} (the newest page only; older pages load on scrolling up).`,
    `Scrolled to the very first message (every page loaded: ${input.scrolled.loadedPages} conversation reads): **${input.scrolled.domMessages} message elements** in the DOM for ${(input.exchanges * 2).toLocaleString('en-US')} messages.`,
    '',
    '## Peer: the same messages in a bare page (plain DOM, no framework, no virtualisation, text only)',
    '',
    ...table(input.peer),
    '',
    '## Target',
    '',
    `Scripting < ${TARGET_SCRIPT_MS} ms (issue 5): **${met ? 'met' : 'missed'}** — p50 ${round(scripting.p50, 1)} ms, p95 ${round(scripting.p95, 1)} ms, max ${round(scripting.max, 1)} ms (peer: p50 ${round(peerScripting.p50, 1)} ms, p95 ${round(peerScripting.p95, 1)} ms).`,
    '',
  ].join('\n');
}
