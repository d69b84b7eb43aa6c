import { sql, type Kysely } from 'kysely';
import { ProblemError } from '@versaai/kernel';
import { reusableQuery } from '@versaai/storage';
import type { Plan } from './plans.ts';
import { secondsUntilNextUtcDay, utcDay } from './utc-day.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the ai service's tables are typed where they are queried
type Db = Kysely<any>;

export interface QuotaCounters { messages: number; tokens: number }

// On every /v1 request's path: built and compiled once per database (not per transaction),
// and on SQLite run on the connection at once when no transaction is open there.
const upsertReservation = reusableQuery<{ messages: number | string; tokens: number | string }, [string, string, number, number]>((db: Db, userId: string, day: string, dailyMessages: string, dailyTokens: string) => db
  .insertInto('ai_quota_counters').values({ user_id: userId, day, messages: 1, tokens: 0 })
  .onConflict((conflict) => conflict.columns(['user_id', 'day']).doUpdateSet({ messages: sql`ai_quota_counters.messages + 1` })
    .where('ai_quota_counters.messages', '<', dailyMessages)
    .where('ai_quota_counters.tokens', '<', dailyTokens))
  .returning(['messages', 'tokens']), 4);

/**
 * Takes one message of the user's daily quota, if the plan still allows one, in a single
 * upsert: the first of the day inserts the counter at 1; later ones raise it only while the
 * condition holds. The row lock (PostgreSQL) or the single writer (SQLite) serialises
 * concurrent reservations and each re-checks the condition, so they cannot overdraw.
 * Returns the counters after the reservation, or undefined when the day's messages or
 * tokens are used up.
 */
export async function takeMessage(db: Db, userId: string, plan: Plan, day: string = utcDay()): Promise<QuotaCounters | undefined> {
  if (plan.dailyMessages <= 0 || plan.dailyTokens <= 0) return undefined;
  const { rows } = await upsertReservation(db, userId, day, plan.dailyMessages, plan.dailyTokens);
  const row = rows[0];
  return row ? { messages: Number(row.messages), tokens: Number(row.tokens) } : undefined;
}

/** takeMessage, as a yes or no. */
export async function reserveMessage(db: Db, userId: string, plan: Plan, day: string = utcDay()): Promise<boolean> {
  return await takeMessage(db, userId, plan, day) !== undefined;
}

/** Gives back a reserved message that was never answered (shed by the admission queue). */
export async function releaseMessage(db: Db, userId: string, day: string): Promise<void> {
  await db.updateTable('ai_quota_counters').set({ messages: sql`messages - 1` })
    .where('user_id', '=', userId).where('day', '=', day).where('messages', '>', 0).execute();
}

/** Charges the tokens an answer used (known only afterwards): the token quota may overshoot by one answer. */
export async function chargeTokens(db: Db, userId: string, day: string, tokens: number): Promise<void> {
  if (tokens <= 0) return;
  await db.updateTable('ai_quota_counters')
    .set({ tokens: sql`tokens + ${tokens}` })
    .where('user_id', '=', userId)
    .where('day', '=', day)
    .execute();
}

export async function quotaUsed(db: Db, userId: string, day: string = utcDay()): Promise<{ messages: number; tokens: number }> {
  const row = await db.selectFrom('ai_quota_counters').select(['messages', 'tokens'])
    .where('user_id', '=', userId).where('day', '=', day).executeTakeFirst();
  return { messages: Number(row?.messages ?? 0), tokens: Number(row?.tokens ?? 0) };
}

export function quotaExceeded(plan: Plan): ProblemError {
  const retryAfter = secondsUntilNextUtcDay();
  return new ProblemError({
    status: 429,
    code: 'AI_QUOTA_EXCEEDED',
    detail: `The daily quota of the "${plan.name}" plan (${plan.dailyMessages} messages, ${plan.dailyTokens} tokens) is used up; it starts over at 00:00 UTC.`,
    extensions: { plan: plan.name, retryAfterSeconds: retryAfter },
    headers: { 'retry-after': String(retryAfter) },
  });
}
