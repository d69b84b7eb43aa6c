import { sql, type Kysely } from 'kysely';
import type { ChatMessage } from '../generation/types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the ai service's tables are typed where they are queried
type Db = Kysely<any>;

/** What a chat response job needs to run, stored with it (the event is acked once the row exists). */
export interface JobRequest {
  model?: string;
  /** The conversation's active path plus the new user message, oldest first. */
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  cache?: boolean;
  generateTitle: boolean;
}

export interface ResponseJob {
  id: string;
  userId: string;
  conversationId: string;
  messageId: string;
  request: JobRequest;
  attempts: number;
  quotaDay: string | null;
  /**
   * Its message was taken from the quota and the row marked running when it was inserted
   * (already leased to this process): the run skips that transaction, and gives the message
   * back if it ends without calling the model.
   */
  startedAtIntake?: boolean;
}

export type FinalStatus = 'completed' | 'failed' | 'cancelled';
const OPEN = ['queued', 'running'];

/**
 * A lease taken with the insert: the row is born claimed by `owner` (its first attempt), as
 * claimJobs would leave it, and with `quotaDay` also started, as markStarted would leave it.
 */
export interface InsertLease { owner: string; expiresAt: number; quotaDay?: string }

/**
 * Inserts the job of a message.sent; a redelivered event finds the row and changes nothing.
 * Returns whether the row is new (only then does `lease` hold).
 */
export async function insertJob(db: Db, job: Omit<ResponseJob, 'attempts' | 'quotaDay'>, now = Date.now(), lease?: InsertLease): Promise<boolean> {
  const result = await db.insertInto('responses').values({
    id: job.id, user_id: job.userId, conversation_id: job.conversationId, message_id: job.messageId,
    request: JSON.stringify(job.request), status: lease?.quotaDay ? 'running' : 'queued', quota_day: lease?.quotaDay ?? null,
    attempts: lease ? 1 : 0, lease_owner: lease?.owner ?? null, lease_expires_at: lease?.expiresAt ?? 0,
    created_at: now, updated_at: now,
  }).onConflict((conflict) => conflict.column('id').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

function toJob(row: Record<string, unknown>): ResponseJob {
  return {
    id: String(row.id), userId: String(row.user_id), conversationId: String(row.conversation_id), messageId: String(row.message_id),
    request: JSON.parse(String(row.request)) as JobRequest, attempts: Number(row.attempts), quotaDay: (row.quota_day as string | null) ?? null,
  };
}

/**
 * Takes the lease of open jobs whose lease has expired (new jobs have expiry 0), at most
 * `limit`, optionally only among `ids`. The UPDATE re-checks the expiry of each row it
 * changes (PostgreSQL re-evaluates the condition after a concurrent update; SQLite has one
 * writer), so two replicas never both take the same job.
 */
export async function claimJobs(db: Db, opts: {
  owner: string; leaseMs: number; limit: number; ids?: readonly string[];
  /** Jobs this process is running: a lease that lapsed while it was busy is not adopted by itself. */
  running?: readonly string[];
  now?: number;
}): Promise<ResponseJob[]> {
  if (opts.limit <= 0 || opts.ids?.length === 0) return [];
  const now = opts.now ?? Date.now();
  let candidates = db.selectFrom('responses').select('id').where('status', 'in', OPEN).where('lease_expires_at', '<', now);
  if (opts.ids) candidates = candidates.where('id', 'in', opts.ids);
  if (opts.running && opts.running.length > 0) candidates = candidates.where('id', 'not in', opts.running);
  const ids = (await candidates.orderBy('created_at').limit(opts.limit).execute()).map((row) => String(row.id));
  if (ids.length === 0) return [];
  const rows = await db.updateTable('responses')
    .set({ lease_owner: opts.owner, lease_expires_at: now + opts.leaseMs, attempts: sql`attempts + 1`, updated_at: now })
    .where('id', 'in', ids).where('status', 'in', OPEN).where('lease_expires_at', '<', now)
    .returningAll().execute();
  return rows.map(toJob);
}

/**
 * Extends the leases of the jobs this owner is running; returns the ids it still holds (a job
 * missing from it was taken over). Only running jobs: a job whose run ended without finishing
 * it (an unexpected error) lets its lease expire and is retried.
 */
export async function renewLeases(db: Db, owner: string, ids: readonly string[], leaseMs: number, now = Date.now()): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.updateTable('responses').set({ lease_expires_at: now + leaseMs })
    .where('lease_owner', '=', owner).where('id', 'in', ids).where('status', 'in', OPEN).returning('id').execute();
  return new Set(rows.map((row) => String(row.id)));
}

/** The job runs now (while this owner holds it), its quota charged for `quotaDay`. */
export async function markStarted(db: Db, id: string, owner: string, quotaDay: string): Promise<void> {
  await db.updateTable('responses').set({ status: 'running', quota_day: quotaDay, updated_at: Date.now() })
    .where('id', '=', id).where('lease_owner', '=', owner).where('status', 'in', OPEN).execute();
}

/**
 * Sets the final status while this owner holds the lease and the job is still open: true
 * exactly once per job, so the caller publishes the final event in the same transaction.
 */
export async function finalizeJob(db: Db, id: string, owner: string, status: FinalStatus): Promise<boolean> {
  const updated = await db.updateTable('responses').set({ status, lease_owner: null, updated_at: Date.now() })
    .where('id', '=', id).where('lease_owner', '=', owner).where('status', 'in', OPEN).executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export async function jobStatus(db: Db, id: string): Promise<{ status: string; attempts: number } | undefined> {
  const row = await db.selectFrom('responses').select(['status', 'attempts']).where('id', '=', id).executeTakeFirst();
  return row ? { status: String(row.status), attempts: Number(row.attempts) } : undefined;
}
