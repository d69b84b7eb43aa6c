import type { Kysely } from 'kysely';
import { problem, type Logger } from '@versaai/kernel';
import type { ResolvedModel } from '../generation/types.ts';
import { modelsRepository, type RegistryModel } from './models-repository.ts';

export interface ModelRegistryOptions {
  db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Models from configuration, written to the table at start. */
  seed: readonly ResolvedModel[];
  /** Providers this process can call: models of other providers are listed to admins only. */
  providers: ReadonlySet<string>;
  /** How often rows are re-read, so an admin change made on another replica arrives (0 = never). */
  refreshMs: number;
  /** Configuration's default, used when no row is flagged default (an admin cleared the flag). */
  preferredDefault?: string;
  logger: Logger;
}

export interface ModelRegistry {
  /** Seeds from configuration and loads the table; call once before use. */
  start(): Promise<void>;
  /** Re-reads the table now (after an admin change). */
  reload(): Promise<void>;
  /**
   * The models a provider lists now (model discovery), replacing its previous list. Rows of the
   * table win: a discovered id or upstream model that a configured or admin row already has is
   * not added, and the first provider (in order of their first call) keeps an id two list.
   */
  setDiscovered(provider: string, models: readonly ResolvedModel[]): void;
  /** Every row, as admins see them. */
  all(): readonly RegistryModel[];
  get(id: string): RegistryModel | undefined;
  /** Enabled models of a configured provider that `plan` may use, the default first. */
  available(plan: string): RegistryModel[];
  /** The model for a request: throws 400 AI_MODEL_UNKNOWN or 403 AI_MODEL_NOT_ALLOWED. */
  resolve(id: string | undefined, plan: string): ResolvedModel;
  /** The model's fallbacks that are usable now by `plan`, in order (unknown/disabled ones skipped). */
  fallbacks(model: ResolvedModel, plan: string): ResolvedModel[];
  providers: ReadonlySet<string>;
  stop(): void;
}

export function planAllows(model: ResolvedModel, plan: string): boolean {
  return model.allowedPlans.length === 0 || model.allowedPlans.includes(plan);
}

/**
 * Rows flagged default first — an admin's choice before configuration's, then the most recent —
 * then configuration's default, then the rest by id.
 */
function defaultOrder(preferred: string | undefined) {
  return (a: RegistryModel, b: RegistryModel): number => {
    if (a.isDefault !== b.isDefault) return a.isDefault ? -1 : 1;
    if (a.isDefault) {
      if (a.source !== b.source) return a.source === 'admin' ? -1 : 1;
      if (a.updatedAt !== b.updatedAt) return b.updatedAt - a.updatedAt;
    }
    if ((a.id === preferred) !== (b.id === preferred)) return a.id === preferred ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/**
 * The model registry: rows of `models` held in memory, so resolving a model on the request
 * path costs a map lookup. Re-read after admin changes here and every `refreshMs` elsewhere.
 */
export function createModelRegistry(opts: ModelRegistryOptions): ModelRegistry {
  let stored: RegistryModel[] = [];
  const discovered = new Map<string, RegistryModel[]>();
  let rows: RegistryModel[] = [];
  let byId = new Map<string, RegistryModel>();
  let timer: NodeJS.Timeout | undefined;
  const order = defaultOrder(opts.preferredDefault);

  const usable = (model: RegistryModel | undefined, plan: string): model is RegistryModel =>
    model !== undefined && model.enabled && opts.providers.has(model.provider) && planAllows(model, plan);

  /** Table rows, then discovered models that no row (nor an earlier provider) claims, by id. */
  const rebuild = () => {
    const merged = [...stored];
    const ids = new Set(stored.map((model) => model.id));
    const upstreams = new Set(stored.map((model) => `${model.provider}\n${model.upstreamModel}`));
    for (const models of discovered.values()) {
      for (const model of models) {
        if (ids.has(model.id) || upstreams.has(`${model.provider}\n${model.upstreamModel}`)) continue;
        ids.add(model.id);
        merged.push(model);
      }
    }
    rows = merged.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    byId = new Map(rows.map((model) => [model.id, model]));
  };

  const registry: ModelRegistry = {
    providers: opts.providers,

    async start() {
      await modelsRepository.seed(opts.db, opts.seed, Date.now());
      await registry.reload();
      if (opts.refreshMs > 0) {
        timer = setInterval(() => {
          registry.reload().catch((error: unknown) => opts.logger.warn({ err: error }, 'ai: model registry refresh failed'));
        }, opts.refreshMs);
        timer.unref();
      }
    },

    async reload() {
      stored = await modelsRepository.list(opts.db);
      rebuild();
    },

    setDiscovered(provider, models) {
      const previous = new Map((discovered.get(provider) ?? []).map((model) => [model.id, model]));
      const now = Date.now();
      discovered.set(provider, models.map((model) => {
        const known = previous.get(model.id);
        return { ...model, provider, source: 'config', discovered: true, createdAt: known?.createdAt ?? now, updatedAt: known?.updatedAt ?? now };
      }));
      rebuild();
    },

    all: () => rows,
    get: (id) => byId.get(id),

    available(plan) {
      return rows.filter((model) => usable(model, plan)).sort(order);
    },

    resolve(id, plan) {
      if (id === undefined) {
        const [first] = registry.available(plan);
        if (first) return first;
        throw problem.forbidden('AI_MODEL_NOT_ALLOWED', `No model is available to the plan "${plan}".`);
      }
      const model = byId.get(id);
      if (!model || !model.enabled || !opts.providers.has(model.provider)) {
        throw problem.badRequest('AI_MODEL_UNKNOWN', `The model "${id}" does not exist or is not available.`, { model: id });
      }
      if (!planAllows(model, plan)) throw problem.forbidden('AI_MODEL_NOT_ALLOWED', `Your plan cannot use the model "${id}".`, { model: id });
      return model;
    },

    fallbacks(model, plan) {
      const seen = new Set([model.id]);
      const chain: ResolvedModel[] = [];
      for (const id of model.fallbacks) {
        const candidate = byId.get(id);
        if (seen.has(id) || !usable(candidate, plan)) continue;
        seen.add(id);
        chain.push(candidate);
      }
      return chain;
    },

    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
  return registry;
}
