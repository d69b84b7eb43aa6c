/**
 * Benchmark 1 of issue 4: time to first token through `POST /v1/chat/completions` (all-in-one
 * platform, VersaAI API key, the gateway's key exchange, quota, admission, generation, OpenAI
 * chunks) beside the same streamed completion asked of the fake LLM directly, and through a
 * minimal Node proxy (bench/lib/minimal-proxy.ts: what the extra hop alone costs here), in the
 * same run, rotating request by request so the shared machine's load drifts evenly over all.
 * Run with `npm run bench:ai-openai-api` (options: --samples 300 --warmup 30 --tokens 100
 * --token-delay-ms 5 --no-write).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { redisTestUrl, waitFor } from '@versaai/testing';
import { login, registerUser, requestJson } from './lib/api-client.ts';
import { DIRECT_MODEL } from './lib/chat-direct.ts';
import { readCompletionDeltas } from './lib/completion-deltas.ts';
import { chatPlatformEnv, describeChatEnv, startFakeLlmProcess } from './lib/chat-env.ts';
import { describeMachine } from './lib/machine.ts';
import { nowMs, round, summarizeLatencies, type LatencySummary } from './lib/stats.ts';
import { freePort, startChild } from './lib/child-process.ts';
import { installInterruptHandler } from './lib/teardown.ts';
import { startAllInOne } from './lib/topologies.ts';

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '30' },
    tokens: { type: 'string', default: '100' },
    'token-delay-ms': { type: 'string', default: '5' },
    'no-write': { type: 'boolean', default: false },
  },
});
const samples = Number(args.samples);
const warmup = Number(args.warmup);
const tokens = Number(args.tokens);
const tokenDelayMs = Number(args['token-delay-ms']);
installInterruptHandler();
const loadAtStart = loadavg();
const log = (line: string) => console.log(line);

/**
 * Sends one streamed chat completion and returns the ms from just before the request left to
 * the arrival of the first chunk carrying content; the rest of the stream is read to the end
 * (a connection cut short would make the server abort upstream, which is not what is measured).
 */
async function timeToFirstToken(url: string, apiKey: string): Promise<{ ttftMs: number; text: string }> {
  const sentAt = nowMs();
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ model: DIRECT_MODEL, messages: [{ role: 'user', content: 'bench' }], stream: true, stream_options: { include_usage: true } }),
  });
  if (response.status !== 200 || !response.body) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  const { text, firstContentAt } = await readCompletionDeltas(response.body as AsyncIterable<Uint8Array>, url);
  return { ttftMs: firstContentAt - sentAt, text };
}

const llm = await startFakeLlmProcess({ tokens, tokenDelayMs });
const env = chatPlatformEnv(llm, { concurrency: 1 });
const platform = await startAllInOne({ env });
const proxyPort = await freePort();
const proxy = startChild('minimal-proxy', 'bench/lib/minimal-proxy.ts', [llm.url, String(proxyPort)], {});
try {
  await waitFor(async () => {
    if (proxy.child.exitCode !== null) throw new Error(`the minimal proxy exited:\n${proxy.output()}`);
    return proxy.output().includes('ready') ? true : undefined;
  }, { timeoutMs: 30_000, intervalMs: 50 });
  const proxied = `http://127.0.0.1:${proxyPort}/v1`;
  const user = await registerUser(platform.url, `bench-openai-${Date.now()}@example.com`);
  const token = await login(platform.url, user);
  const created = await requestJson(`${platform.url}/api/auth/api-keys`, { headers: { authorization: `Bearer ${token}` }, body: { name: 'bench', scopes: ['ai:use'] } });
  const apiKey = created.body?.key;
  if (created.status !== 201 || typeof apiKey !== 'string') throw new Error(`POST /api/auth/api-keys answered ${created.status}: ${JSON.stringify(created.body)}`);
  const v1 = `${platform.url}/v1`;

  log(`fake LLM: ${tokens} tokens, one every ${tokenDelayMs} ms; ${warmup} warm-up rounds, ${samples} measured rounds (direct, minimal proxy, platform)`);
  const targets = [
    () => timeToFirstToken(llm.url, llm.apiKey),
    () => timeToFirstToken(proxied, llm.apiKey),
    () => timeToFirstToken(v1, apiKey),
  ];
  for (let index = 0; index < warmup; index++) for (const target of targets) await target();
  const direct: number[] = [];
  const viaProxy: number[] = [];
  const through: number[] = [];
  const added: number[] = [];
  let expectedText: string | undefined;
  for (let index = 0; index < samples; index++) {
    // Rotate which goes first, so none always runs right after another's stream ends.
    const runs: Array<{ ttftMs: number; text: string }> = [];
    for (let step = 0; step < targets.length; step++) {
      const which = (step + index) % targets.length;
      runs[which] = await targets[which]!();
    }
    const [peer, proxyRun, platformRun] = runs as [{ ttftMs: number; text: string }, { ttftMs: number; text: string }, { ttftMs: number; text: string }];
    expectedText ??= peer.text;
    if (platformRun.text !== expectedText) throw new Error('the platform streamed a different answer than the fake LLM');
    if (proxyRun.text !== expectedText) throw new Error('the minimal proxy streamed a different answer than the fake LLM');
    direct.push(peer.ttftMs);
    viaProxy.push(proxyRun.ttftMs);
    through.push(platformRun.ttftMs);
    added.push(platformRun.ttftMs - peer.ttftMs);
  }
  const directSummary = summarizeLatencies(direct);
  const proxySummary = summarizeLatencies(viaProxy);
  const throughSummary = summarizeLatencies(through);
  const addedP50 = throughSummary.p50 - directSummary.p50;
  const addedP99 = throughSummary.p99 - directSummary.p99;
  const pairedSummary = summarizeLatencies(added);
  const line = (name: string, summary: LatencySummary) => `${name}: p50 ${round(summary.p50, 3)} / p90 ${round(summary.p90, 3)} / p99 ${round(summary.p99, 3)} / max ${round(summary.max, 3)} ms (n=${summary.count})`;
  log(line('direct to the fake LLM   ', directSummary));
  log(line('minimal Node proxy        ', proxySummary));
  log(line('through /v1 (all-in-one) ', throughSummary));
  log(`the minimal proxy's own added p50: ${round(proxySummary.p50 - directSummary.p50, 3)} ms`);
  log(`added: p50 ${round(addedP50, 3)} ms (target < 1), p99 ${round(addedP99, 3)} ms (target < 5); per-pair difference p50 ${round(pairedSummary.p50, 3)} / p99 ${round(pairedSummary.p99, 3)} ms`);
  const cpu = platform.cpuSeconds();

  if (!args['no-write']) {
    const machine = await describeMachine({ redisUrl: redisTestUrl(), postgresUrl: null, loadAverage: loadAtStart });
    const date = new Date().toISOString().slice(0, 10);
    const file = `bench/results/ai-openai-api-${date}.md`;
    const verdict = (value: number, target: number) => (value < target ? `met (< ${target} ms)` : `**missed** (target < ${target} ms)`);
    writeFileSync(file, `# Added time to first token through /v1/chat/completions — ${date}

Command: \`npm run bench:ai-openai-api -- --samples ${samples} --warmup ${warmup} --tokens ${tokens} --token-delay-ms ${tokenDelayMs}\`

Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}; load average at start ${machine.loadAverageAtStart.join(' / ')} (a shared machine: other engineers' tests ran meanwhile).

Setup: the fake LLM (\`versaai dev fake-llm\`, its own process: ${tokens} tokens, one every ${tokenDelayMs} ms, first token at once) and
\`versaai start\` (all-in-one, its own process) pointed at it. Each sample is a round of three, measured sequentially (in rotating order) from this
process with the same client code: a streamed completion asked of the fake LLM directly; the same through a minimal Node proxy
(\`bench/lib/minimal-proxy.ts\`, its own process: node:http in, undici's dispatcher out, bytes forwarded untouched — no auth, quota or
parsing, so what it adds is the price of one more HTTP hop on this machine); and the same completion through
\`POST /v1/chat/completions\` with a VersaAI API key (\`vak_…\`, traded for a token at the edge, cached), so the platform's
path is: edge (key exchange cache, rate limit), authenticate, model resolution, the daily quota (one upsert on
SQLite, run beside the upstream call once the process has seen the user has room; the first chunk waits for it), the exact-cache check (not cacheable: no temperature 0), admission, generation (undici to the fake LLM, SSE parsed),
OpenAI chunks written to the client. Time to first token = from just before the request leaves to the arrival of the first
chunk that carries content. Every stream is read to its end.

Platform settings (describeChatEnv): \`${JSON.stringify(describeChatEnv(env))}\`

| | p50 | p90 | p99 | max |
|---|---|---|---|---|
| direct to the fake LLM | ${round(directSummary.p50, 3)} ms | ${round(directSummary.p90, 3)} ms | ${round(directSummary.p99, 3)} ms | ${round(directSummary.max, 3)} ms |
| through a minimal Node proxy (floor of any HTTP hop here) | ${round(proxySummary.p50, 3)} ms | ${round(proxySummary.p90, 3)} ms | ${round(proxySummary.p99, 3)} ms | ${round(proxySummary.max, 3)} ms |
| through /v1 (all-in-one) | ${round(throughSummary.p50, 3)} ms | ${round(throughSummary.p90, 3)} ms | ${round(throughSummary.p99, 3)} ms | ${round(throughSummary.max, 3)} ms |
| minimal proxy's added (difference of percentiles) | ${round(proxySummary.p50 - directSummary.p50, 3)} ms | ${round(proxySummary.p90 - directSummary.p90, 3)} ms | ${round(proxySummary.p99 - directSummary.p99, 3)} ms | |
| **added** by /v1 (difference of percentiles) | **${round(addedP50, 3)} ms** | ${round(throughSummary.p90 - directSummary.p90, 3)} ms | **${round(addedP99, 3)} ms** | |
| per-pair difference (platform − direct) | ${round(pairedSummary.p50, 3)} ms | ${round(pairedSummary.p90, 3)} ms | ${round(pairedSummary.p99, 3)} ms | ${round(pairedSummary.max, 3)} ms |

Targets: added p50 ${verdict(addedP50, 1)}; added p99 ${verdict(addedP99, 5)}. Anchors: Portkey ~2.6 ms median added, LiteLLM 12 ms p50.

${samples} measured rounds after ${warmup} warm-up rounds; platform process CPU over the whole run: ${cpu === undefined ? 'n/a' : `${round(cpu, 2)} s`}.
`);
    log(`wrote ${file}`);
  }
} finally {
  await proxy.stop();
  await platform.stop();
  await llm.stop();
}
