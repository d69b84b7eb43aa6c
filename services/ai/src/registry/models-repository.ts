import type { Kysely } from 'kysely';
import type { ResolvedModel } from '../generation/types.ts';

interface ModelsTable {
  id: string;
  provider: string;
  upstream_model: string;
  context_window: number;
  max_output_tokens: number;
  input_price_per_million: number;
  output_price_per_million: number;
  enabled: number;
  allowed_plans: string;
  fallbacks: string;
  is_default: number;
  source: string;
  created_at: number | string;
  updated_at: number | string;
}

interface ModelsDatabase { models: ModelsTable }

export type ModelSource = 'config' | 'admin';

/** A registry row: the model plus where it came from and when it changed. */
export interface RegistryModel extends ResolvedModel {
  source: ModelSource;
  /** Listed by the provider's GET /models, held in memory only (no row until an admin changes it). */
  discovered?: boolean;
  createdAt: number;
  updatedAt: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the service's Kysely is untyped; this file types its table
type AnyDb = Kysely<any>;
const typed = (db: AnyDb) => db as Kysely<ModelsDatabase>;

function stringList(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

function toModel(row: ModelsTable): RegistryModel {
  return {
    id: row.id,
    provider: row.provider,
    upstreamModel: row.upstream_model,
    contextWindow: Number(row.context_window),
    maxOutputTokens: Number(row.max_output_tokens),
    inputPricePerMillion: Number(row.input_price_per_million),
    outputPricePerMillion: Number(row.output_price_per_million),
    enabled: Number(row.enabled) === 1,
    allowedPlans: stringList(row.allowed_plans),
    fallbacks: stringList(row.fallbacks),
    isDefault: Number(row.is_default) === 1,
    source: row.source === 'admin' ? 'admin' : 'config',
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

type ModelFields = Omit<ModelsTable, 'id' | 'source' | 'created_at' | 'updated_at'>;

function toFields(model: Partial<ResolvedModel>): Partial<ModelFields> {
  const fields: Partial<ModelFields> = {};
  if (model.provider !== undefined) fields.provider = model.provider;
  if (model.upstreamModel !== undefined) fields.upstream_model = model.upstreamModel;
  if (model.contextWindow !== undefined) fields.context_window = model.contextWindow;
  if (model.maxOutputTokens !== undefined) fields.max_output_tokens = model.maxOutputTokens;
  if (model.inputPricePerMillion !== undefined) fields.input_price_per_million = model.inputPricePerMillion;
  if (model.outputPricePerMillion !== undefined) fields.output_price_per_million = model.outputPricePerMillion;
  if (model.enabled !== undefined) fields.enabled = model.enabled ? 1 : 0;
  if (model.allowedPlans !== undefined) fields.allowed_plans = JSON.stringify(model.allowedPlans);
  if (model.fallbacks !== undefined) fields.fallbacks = JSON.stringify(model.fallbacks);
  if (model.isDefault !== undefined) fields.is_default = model.isDefault ? 1 : 0;
  return fields;
}

export const modelsRepository = {
  async list(db: AnyDb): Promise<RegistryModel[]> {
    const rows = await typed(db).selectFrom('models').selectAll().orderBy('id').execute();
    return rows.map(toModel);
  },

  async find(db: AnyDb, id: string): Promise<RegistryModel | undefined> {
    const row = await typed(db).selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toModel(row) : undefined;
  },

  /**
   * Writes the configured models: new ones are inserted, rows still owned by configuration are
   * updated, rows an admin changed are left alone, and configuration rows no longer configured
   * are removed. Safe when several replicas start at once (upserts, no read-then-write).
   */
  async seed(db: AnyDb, models: readonly ResolvedModel[], now: number): Promise<void> {
    const trx = typed(db);
    for (const model of models) {
      const fields = toFields(model) as ModelFields;
      await trx.insertInto('models')
        .values({ id: model.id, ...fields, source: 'config', created_at: now, updated_at: now })
        .onConflict((conflict) => conflict.column('id').doUpdateSet({ ...fields, updated_at: now }).where('models.source', '=', 'config'))
        .execute();
    }
    let stale = trx.deleteFrom('models').where('source', '=', 'config');
    if (models.length > 0) stale = stale.where('id', 'not in', models.map((model) => model.id));
    await stale.execute();
  },

  /** False when the id exists already. */
  async insert(db: AnyDb, model: ResolvedModel, now: number): Promise<boolean> {
    const result = await typed(db).insertInto('models')
      .values({ id: model.id, ...(toFields(model) as ModelFields), source: 'admin', created_at: now, updated_at: now })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  /** An admin change: the row becomes the admin's (the seed no longer overwrites it). */
  async update(db: AnyDb, id: string, patch: Partial<ResolvedModel>, now: number): Promise<boolean> {
    const result = await typed(db).updateTable('models')
      .set({ ...toFields(patch), source: 'admin', updated_at: now })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  /** One default at a time among admin choices: clears the flag on every other row. */
  async clearDefaultExcept(db: AnyDb, id: string, now: number): Promise<void> {
    await typed(db).updateTable('models').set({ is_default: 0, updated_at: now }).where('id', '!=', id).where('is_default', '=', 1).execute();
  },

  async remove(db: AnyDb, id: string): Promise<boolean> {
    const result = await typed(db).deleteFrom('models').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },
};
