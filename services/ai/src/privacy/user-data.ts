import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the ai service's tables are typed where they are queried
type Db = Kysely<any>;

/** Every ai table with a `user_id` column: what erasing a user empties, and what the export reads. */
export const USER_TABLES = ['responses', 'ai_usage', 'ai_quota_counters'] as const;

/**
 * Deletes every row of the user from every ai table, in `db` (the caller's transaction).
 * Returns the ids of the user's responses that were still open (queued or running), so the
 * caller can stop their generation once the deletion has committed. Erasing an erased user
 * deletes nothing.
 */
export async function eraseUserData(db: Db, userId: string): Promise<string[]> {
  const open = await db.selectFrom('responses').select('id').where('user_id', '=', userId).where('status', 'in', ['queued', 'running']).execute();
  for (const table of USER_TABLES) await db.deleteFrom(table).where('user_id', '=', userId).execute();
  return open.map((row) => String(row.id));
}

export interface UserDataExport {
  /** Chat answers this service produced or is producing (their text and prompts are chat's messages). */
  responses: Array<{ id: string; conversationId: string; messageId: string; status: string; attempts: number; createdAt: string; updatedAt: string }>;
  /** One row per finished answer (chat or /v1): what it cost. */
  usage: Array<{
    id: string; day: string; model: string; provider: string; source: string; status: string;
    promptTokens: number; completionTokens: number; costUsd: number; cached: boolean; createdAt: string;
  }>;
  /** The daily quota counters: messages and tokens counted per UTC day. */
  quotaCounters: Array<{ day: string; messages: number; tokens: number }>;
}

const iso = (ms: unknown) => new Date(Number(ms)).toISOString();

/** What the ai service holds about the user, oldest first; the prompts stored with the jobs are left out (chat exports the messages). */
export async function exportUserData(db: Db, userId: string): Promise<UserDataExport> {
  const [responses, usage, counters] = await Promise.all([
    db.selectFrom('responses').select(['id', 'conversation_id', 'message_id', 'status', 'attempts', 'created_at', 'updated_at'])
      .where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('ai_usage').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('ai_quota_counters').selectAll().where('user_id', '=', userId).orderBy('day').execute(),
  ]);
  return {
    responses: responses.map((row) => ({
      id: String(row.id), conversationId: String(row.conversation_id), messageId: String(row.message_id), status: String(row.status),
      attempts: Number(row.attempts), createdAt: iso(row.created_at), updatedAt: iso(row.updated_at),
    })),
    usage: usage.map((row) => ({
      id: String(row.id), day: String(row.day), model: String(row.model), provider: String(row.provider), source: String(row.source),
      status: String(row.status), promptTokens: Number(row.prompt_tokens), completionTokens: Number(row.completion_tokens),
      costUsd: Number(row.cost_usd), cached: Number(row.cached) === 1, createdAt: iso(row.created_at),
    })),
    quotaCounters: counters.map((row) => ({ day: String(row.day), messages: Number(row.messages), tokens: Number(row.tokens) })),
  };
}
