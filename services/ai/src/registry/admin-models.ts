import type { Kysely } from 'kysely';
import { problem } from '@versaai/kernel';
import type { ResolvedModel } from '../generation/types.ts';
import type { ModelRegistry } from './model-registry.ts';
import { modelsRepository, type RegistryModel } from './models-repository.ts';
import type { ModelInput, ModelPatch } from './model-schemas.ts';

type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function check(registry: ModelRegistry, model: ResolvedModel): void {
  if (!registry.providers.has(model.provider)) {
    throw problem.badRequest('AI_PROVIDER_UNKNOWN', `No provider "${model.provider}" is configured.`, { provider: model.provider });
  }
  if (model.maxOutputTokens >= model.contextWindow) {
    throw problem.badRequest('AI_MODEL_INVALID', 'maxOutputTokens must be smaller than contextWindow.');
  }
  const bad = model.fallbacks.find((id) => id === model.id || !registry.get(id));
  if (bad !== undefined) throw problem.badRequest('AI_FALLBACK_UNKNOWN', `The fallback "${bad}" is not a registered model.`, { fallback: bad });
}

/** Admin changes to the registry: validated, written (one default at a time), then reloaded. */
export function adminModels(db: AnyDb, registry: ModelRegistry) {
  const found = (id: string): RegistryModel => {
    const model = registry.get(id);
    if (!model) throw problem.notFound('AI_MODEL_NOT_FOUND', `No model "${id}".`);
    return model;
  };

  return {
    async create(input: ModelInput): Promise<RegistryModel> {
      const model: ResolvedModel = {
        id: input.id, provider: input.provider, upstreamModel: input.upstreamModel ?? input.id,
        contextWindow: input.contextWindow, maxOutputTokens: input.maxOutputTokens,
        inputPricePerMillion: input.inputPricePerMillion ?? 0, outputPricePerMillion: input.outputPricePerMillion ?? 0,
        enabled: input.enabled ?? true, allowedPlans: input.allowedPlans ?? [], fallbacks: input.fallbacks ?? [], isDefault: input.isDefault ?? false,
      };
      check(registry, model);
      const now = Date.now();
      const inserted = await db.transaction().execute(async (trx) => {
        const ok = await modelsRepository.insert(trx, model, now);
        if (ok && model.isDefault) await modelsRepository.clearDefaultExcept(trx, model.id, now);
        return ok;
      });
      if (!inserted) throw problem.conflict('AI_MODEL_EXISTS', `A model "${model.id}" exists already.`);
      await registry.reload();
      return found(model.id);
    },

    async update(id: string, patch: ModelPatch): Promise<RegistryModel> {
      await registry.reload();
      const current = found(id);
      check(registry, { ...current, ...patch });
      const now = Date.now();
      const updated = await db.transaction().execute(async (trx) => {
        // A discovered model has no row yet: the admin's change writes one, which then wins over discovery.
        const ok = (current.discovered === true && await modelsRepository.insert(trx, { ...current, ...patch }, now))
          || await modelsRepository.update(trx, id, patch, now);
        if (ok && patch.isDefault) await modelsRepository.clearDefaultExcept(trx, id, now);
        return ok;
      });
      if (!updated) throw problem.notFound('AI_MODEL_NOT_FOUND', `No model "${id}".`);
      await registry.reload();
      return found(id);
    },

    async remove(id: string): Promise<void> {
      if (!(await modelsRepository.remove(db, id))) throw problem.notFound('AI_MODEL_NOT_FOUND', `No model "${id}".`);
      await registry.reload();
    },

    async get(id: string): Promise<RegistryModel> {
      await registry.reload();
      return found(id);
    },
  };
}
