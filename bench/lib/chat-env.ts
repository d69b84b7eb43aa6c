import { randomBytes } from 'node:crypto';
import { waitFor } from '@versaai/testing';
import { freePort, startChild, type BenchChild } from './child-process.ts';
import { DIRECT_MODEL } from './chat-direct.ts';

const CLI = 'apps/cli/src/main.ts';

/** The upstream of the chat-flow bench: `versaai dev fake-llm` in its own process (docs/fake-llm.md). */
export interface FakeLlmProcess {
  /** Base URL for an OpenAI client: http://127.0.0.1:<port>/v1 */
  url: string;
  apiKey: string;
  tokens: number;
  tokenDelayMs: number;
  child: BenchChild;
  stop(): Promise<void>;
}

export async function startFakeLlmProcess(opts: { tokens: number; tokenDelayMs: number }): Promise<FakeLlmProcess> {
  const port = await freePort();
  const apiKey = `sk-bench-${randomBytes(8).toString('hex')}`;
  const child = startChild('fake-llm', CLI, [
    'dev', 'fake-llm', '--port', String(port), '--tokens', String(opts.tokens), '--token-delay-ms', String(opts.tokenDelayMs),
  ], { FAKE_LLM_API_KEY: apiKey, LOG_LEVEL: 'warn' });
  const url = `http://127.0.0.1:${port}/v1`;
  try {
    await waitFor(async () => {
      if (child.child.exitCode !== null) throw new Error(`fake LLM exited (code ${child.child.exitCode}):\n${child.output()}`);
      const response = await fetch(`${url}/models`, { headers: { authorization: `Bearer ${apiKey}` } }).catch(() => undefined);
      return response?.status === 200 ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 100 });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { url, apiKey, ...opts, child, stop: async () => { await child.stop(); } };
}

/** The provider id the AI service knows the fake LLM by. */
export const FAKE_PROVIDER = 'bench-fake-llm';
const KEY_VARIABLE = 'BENCH_FAKE_LLM_API_KEY';

/**
 * Settings that point the AI service at the fake LLM and keep its limits out of the way, so
 * the bench measures the flow, not the policies (docs/ai-providers.md, docs/ai.md):
 * - one provider (the fake) whose model is the default, its pool and admission limit above the
 *   bench's concurrency (the default 64 concurrent calls per provider would queue 1,000 streams);
 * - queue bounds above the bench's burst (the default 20 queued per user would shed);
 * - one plan with a daily quota the run cannot reach.
 * The edge rate limits are raised by the topology itself (BENCH_RATE_LIMIT).
 */
export function chatPlatformEnv(llm: FakeLlmProcess, opts: { concurrency: number }): Record<string, string> {
  const capacity = Math.max(256, opts.concurrency * 2);
  return {
    [KEY_VARIABLE]: llm.apiKey,
    AI_PROVIDERS: JSON.stringify({
      providers: [{ id: FAKE_PROVIDER, baseUrl: llm.url, apiKeyEnv: KEY_VARIABLE, connections: capacity }],
      models: [{ id: DIRECT_MODEL, provider: FAKE_PROVIDER, contextWindow: 131_072, maxOutputTokens: 1_024, default: true }],
    }),
    AI_DEFAULT_MODEL: DIRECT_MODEL,
    AI_PROVIDER_CONNECTIONS: String(capacity),
    AI_PROVIDER_CONCURRENCY: JSON.stringify({ [FAKE_PROVIDER]: capacity }),
    AI_QUEUE_MAX: String(capacity * 10),
    AI_QUEUE_MAX_PER_USER: String(capacity * 10),
    AI_PLANS: JSON.stringify({ free: { dailyMessages: 1_000_000_000, dailyTokens: 2_000_000_000, priority: 0 } }),
    AI_DEFAULT_PLAN: 'free',
    // No provider of the developer's shell may answer instead of the fake.
    GROQ_API_KEY: '', OPENAI_API_KEY: '', OLLAMA_URL: '', AI_CONFIG_FILE: '',
  };
}

/** The same settings, for the result file (the key replaced). */
export function describeChatEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name, value]) => name !== KEY_VARIABLE && value !== ''));
}
