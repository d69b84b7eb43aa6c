import { createLogger } from '@versaai/kernel';
import { migrate, openDatabase, type Database } from '@versaai/storage';
import { tempDataDir, type FakeLlm, type TempDataDir } from '@versaai/testing';
import { createAiCore, type AiCore } from '../src/generation/ai-core.ts';
import type { GenerationSink } from '../src/generation/types.ts';
import { createModelsTable } from '../src/migrations/0001-ai-models.ts';

export interface CoreHarness {
  core: AiCore;
  database: Database;
  close(): Promise<void>;
}

/** Deadlines short enough for tests; each test may override any variable. */
export const TEST_ENV: Record<string, string> = {
  AI_FIRST_TOKEN_TIMEOUT: '5s',
  AI_IDLE_TIMEOUT: '1s',
  AI_TOTAL_TIMEOUT: '30s',
  AI_UPSTREAM_RETRIES: '2',
  AI_RETRY_BASE: '10ms',
  AI_RETRY_MAX: '40ms',
  AI_BREAKER_FAILURES: '5',
  AI_BREAKER_HALF_OPEN_AFTER: '30s',
  AI_REGISTRY_REFRESH: '0',
  AI_OFFLINE_TOKEN_DELAY: '0',
};

/**
 * Two providers on one fake upstream (so a fallback changes provider, as in production):
 * `primary` (fake) falls back to `backup` (fake-b); `solo` (fake) has no fallback.
 */
export function fakeDocument(llm: FakeLlm): string {
  return JSON.stringify({
    providers: [
      { id: 'fake', baseUrl: llm.url, apiKeyEnv: 'FAKE_LLM_KEY', headers: { 'x-provider': 'fake' } },
      { id: 'fake-b', baseUrl: llm.url, apiKeyEnv: 'FAKE_LLM_KEY', headers: { 'x-provider': 'fake-b' } },
    ],
    models: [
      {
        id: 'primary', provider: 'fake', upstreamModel: 'up-primary', contextWindow: 4096, maxOutputTokens: 256,
        inputPricePerMillion: 1, outputPricePerMillion: 2, fallbacks: ['backup'],
      },
      { id: 'backup', provider: 'fake-b', upstreamModel: 'up-backup', contextWindow: 4096, maxOutputTokens: 256 },
      { id: 'solo', provider: 'fake', upstreamModel: 'up-solo', contextWindow: 4096, maxOutputTokens: 256 },
      { id: 'premium', provider: 'fake', upstreamModel: 'up-premium', contextWindow: 4096, maxOutputTokens: 256, allowedPlans: ['pro'] },
    ],
    defaultModel: 'primary',
  });
}

export async function startCoreHarness(env: Record<string, string>, opts: { random?: () => number } = {}): Promise<CoreHarness> {
  const data: TempDataDir = await tempDataDir();
  const database = await openDatabase({ service: 'ai', dataDir: data.dir });
  await migrate(database, [createModelsTable]);
  const logger = createLogger({ service: 'ai', level: process.env.TEST_LOG ?? 'silent' });
  const core = await createAiCore({ db: database.db, env: { ...TEST_ENV, ...env }, logger }, { random: opts.random });
  return {
    core,
    database,
    async close() {
      await core.close();
      await database.close();
      await data.remove();
    },
  };
}

/** A sink that records what the generator handed on. */
export function recordingSink(onDelta?: (text: string, count: number) => void) {
  const deltas: string[] = [];
  const starts: Array<{ model: string; provider: string }> = [];
  const sink: GenerationSink = {
    onStart: (info) => starts.push(info),
    onDelta: (text) => {
      deltas.push(text);
      onDelta?.(text, deltas.length);
    },
  };
  return { sink, deltas, starts };
}
