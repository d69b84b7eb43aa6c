/** The provider id and model the AI service knows the fake LLM by, in the web bench. */
const PROVIDER = 'bench-fake-llm';
const MODEL = 'bench-fake';
const KEY_VARIABLE = 'BENCH_FAKE_LLM_API_KEY';

/**
 * Points the AI service at the fake LLM (docs/ai-providers.md) and raises the daily quota out
 * of the way: seeding sends 500 messages from one user, above the free plan's day. The edge's
 * rate limits are raised by the topology itself (BENCH_RATE_LIMIT).
 */
export function webPlatformEnv(llmUrl: string, apiKey: string): Record<string, string> {
  return {
    [KEY_VARIABLE]: apiKey,
    AI_PROVIDERS: JSON.stringify({
      providers: [{ id: PROVIDER, baseUrl: llmUrl, apiKeyEnv: KEY_VARIABLE }],
      models: [{ id: MODEL, provider: PROVIDER, contextWindow: 131_072, maxOutputTokens: 1_024, default: true }],
    }),
    AI_DEFAULT_MODEL: MODEL,
    AI_PLANS: JSON.stringify({ free: { dailyMessages: 1_000_000_000, dailyTokens: 2_000_000_000, priority: 0 } }),
    AI_DEFAULT_PLAN: 'free',
    // No provider of the developer's shell may answer instead of the fake.
    GROQ_API_KEY: '', OPENAI_API_KEY: '', OLLAMA_URL: '', AI_CONFIG_FILE: '',
  };
}

/** The same settings, for the result file (the key left out). */
export function describeWebEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name, value]) => name !== KEY_VARIABLE && value !== ''));
}
