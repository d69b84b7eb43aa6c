import { ConfigError } from '@versaai/kernel';
import { startFakeLlm, type FakeLlmFlavor } from '@versaai/testing/fake-llm';

export interface DevFakeLlmOptions {
  port: string;
  host: string;
  tokens: string;
  tokenDelayMs: string;
  firstTokenDelayMs: string;
  flavor: FakeLlmFlavor;
}

function nonNegativeInteger(option: string, value: string, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > max) {
    throw new ConfigError([{ variable: option, problem: `must be an integer from 0 to ${max} (got "${value}")` }]);
  }
  return number;
}

/**
 * `versaai dev fake-llm`: the fake OpenAI/Groq upstream from @versaai/testing, by hand, for
 * benchmarks and manual runs of the AI service without a provider key. Every request gets
 * `--tokens` tokens at `--token-delay-ms`. FAKE_LLM_API_KEY, when set, is the only Bearer key
 * it accepts (read from the environment so it stays out of the process list).
 */
export async function devFakeLlmCommand(opts: DevFakeLlmOptions): Promise<void> {
  const port = nonNegativeInteger('--port', opts.port, 65535);
  const script = {
    tokenCount: nonNegativeInteger('--tokens', opts.tokens, 1_000_000),
    tokenDelayMs: nonNegativeInteger('--token-delay-ms', opts.tokenDelayMs, 600_000),
    firstTokenDelayMs: nonNegativeInteger('--first-token-delay-ms', opts.firstTokenDelayMs, 600_000),
  };
  const apiKey = process.env.FAKE_LLM_API_KEY || undefined;
  // Benchmarks send millions of requests: count them, keep no records.
  const llm = await startFakeLlm({ port, host: opts.host, flavor: opts.flavor, apiKey, script, recordRequests: false });
  console.log(`fake LLM (${llm.flavor}) listening: base URL ${llm.url}`);
  console.log(`${script.tokenCount} tokens per reply, ${script.tokenDelayMs} ms apart, first after ${script.firstTokenDelayMs} ms; ${apiKey ? 'Bearer key required (FAKE_LLM_API_KEY)' : 'no key required'}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void llm.close().then(() => console.log(`fake LLM stopped after ${llm.requestCount} requests`));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
