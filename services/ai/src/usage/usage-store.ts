import { sql, type Kysely } from 'kysely';
import type { GenerationResult } from '../generation/types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the ai service's tables are typed where they are queried
type Db = Kysely<any>;

export interface UsageRecord {
  /** The response id (chat) or completion id (/v1): recording twice is a no-op. */
  id: string;
  userId: string;
  day: string;
  source: 'chat' | 'api';
  result: GenerationResult;
  cached: boolean;
}

export async function recordUsage(db: Db, record: UsageRecord): Promise<void> {
  await db.insertInto('ai_usage').values({
    id: record.id,
    user_id: record.userId,
    day: record.day,
    model: record.result.model,
    provider: record.result.provider,
    source: record.source,
    status: record.result.status,
    prompt_tokens: record.result.usage.promptTokens,
    completion_tokens: record.result.usage.completionTokens,
    cost_usd: record.result.costUsd,
    cached: record.cached ? 1 : 0,
    created_at: Date.now(),
  }).onConflict((conflict) => conflict.column('id').doNothing()).execute();
}

export interface UsageLine {
  day: string;
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

const sums = [
  sql<number>`count(*)`.as('requests'),
  sql<number>`coalesce(sum(prompt_tokens), 0)`.as('prompt_tokens'),
  sql<number>`coalesce(sum(completion_tokens), 0)`.as('completion_tokens'),
  sql<number>`coalesce(sum(cost_usd), 0)`.as('cost_usd'),
] as const;

function toTotals(row: { requests: unknown; prompt_tokens: unknown; completion_tokens: unknown; cost_usd: unknown } | undefined): UsageTotals {
  return {
    requests: Number(row?.requests ?? 0),
    promptTokens: Number(row?.prompt_tokens ?? 0),
    completionTokens: Number(row?.completion_tokens ?? 0),
    // Rounded to micro-dollars: sums of doubles drift in the last digits.
    costUsd: Math.round(Number(row?.cost_usd ?? 0) * 1e6) / 1e6,
  };
}

/** One user's usage per day and model within [from, to] (UTC days, inclusive), oldest first. */
export async function usageByDay(db: Db, userId: string, from: string, to: string): Promise<UsageLine[]> {
  const rows = await db.selectFrom('ai_usage').select(['day', 'model', ...sums])
    .where('user_id', '=', userId).where('day', '>=', from).where('day', '<=', to)
    .groupBy(['day', 'model']).orderBy('day').orderBy('model').execute();
  return rows.map((row) => ({ day: String(row.day), model: String(row.model), ...toTotals(row) }));
}

export async function userTotals(db: Db, userId: string, from: string, to: string): Promise<UsageTotals> {
  const row = await db.selectFrom('ai_usage').select([...sums])
    .where('user_id', '=', userId).where('day', '>=', from).where('day', '<=', to).executeTakeFirst();
  return toTotals(row);
}

/** Everyone's usage within [from, to]: totals, per model, and how many users used the service. */
export async function platformTotals(db: Db, from: string, to: string): Promise<{ totals: UsageTotals; users: number; byModel: (UsageTotals & { model: string; provider: string })[] }> {
  const row = await db.selectFrom('ai_usage').select([...sums, sql<number>`count(distinct user_id)`.as('users')])
    .where('day', '>=', from).where('day', '<=', to).executeTakeFirst();
  const models = await db.selectFrom('ai_usage').select(['model', 'provider', ...sums])
    .where('day', '>=', from).where('day', '<=', to).groupBy(['model', 'provider']).orderBy('model').execute();
  return {
    totals: toTotals(row),
    users: Number(row?.users ?? 0),
    byModel: models.map((model) => ({ model: String(model.model), provider: String(model.provider), ...toTotals(model) })),
  };
}
