import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '@versaai/kernel';
import { migrate, openDatabase, type Database } from '@versaai/storage';
import { tempDataDir, waitFor, type TempDataDir } from '@versaai/testing';
import type { ResolvedModel } from '../src/generation/types.ts';
import { createModelsTable } from '../src/migrations/0001-ai-models.ts';
import { createModelRegistry, type ModelRegistry } from '../src/registry/model-registry.ts';
import { modelsRepository } from '../src/registry/models-repository.ts';

const model = (id: string, extra: Partial<ResolvedModel> = {}): ResolvedModel => ({
  id, provider: 'p', upstreamModel: id, contextWindow: 1000, maxOutputTokens: 100, inputPricePerMillion: 0, outputPricePerMillion: 0,
  enabled: true, allowedPlans: [], fallbacks: [], isDefault: false, ...extra,
});

let data: TempDataDir;
let database: Database;
const registries: ModelRegistry[] = [];
const logger = createLogger({ service: 'ai', level: 'silent' });
const open = async (seed: ResolvedModel[], refreshMs: number) => {
  const registry = createModelRegistry({ db: database.db, seed, providers: new Set(['p']), refreshMs, logger });
  registries.push(registry);
  await registry.start();
  return registry;
};

beforeAll(async () => {
  data = await tempDataDir();
  database = await openDatabase({ service: 'ai', dataDir: data.dir });
  await migrate(database, [createModelsTable]);
});
afterAll(async () => {
  for (const registry of registries) registry.stop();
  await database?.close();
  await data?.remove();
});

it('a replica sees another replica\'s admin change at its next refresh', async () => {
  const seed = [model('a', { isDefault: true }), model('b', { fallbacks: ['a', 'ghost', 'b'] })];
  const here = await open(seed, 0);
  const elsewhere = await open(seed, 30);
  expect(elsewhere.resolve('b', 'free').id).toBe('b');
  expect(here.fallbacks(here.resolve('b', 'free'), 'free').map((m) => m.id)).toEqual(['a']);

  await modelsRepository.update(database.db, 'b', { enabled: false }, Date.now());
  await here.reload();
  expect(() => here.resolve('b', 'free')).toThrow(expect.objectContaining({ code: 'AI_MODEL_UNKNOWN' }));
  await waitFor(() => (elsewhere.get('b')?.enabled === false ? true : undefined), { timeoutMs: 5_000 });
  expect(() => elsewhere.resolve('b', 'free')).toThrow(expect.objectContaining({ code: 'AI_MODEL_UNKNOWN' }));
});
