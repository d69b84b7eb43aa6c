import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '@versaai/storage';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the ai service's tables are typed where they are queried
type Db = Kysely<any>;

const userHash = (userId: string): string => createHash('sha256').update(userId).digest('hex');
const lockKey = (userId: string): string => `ai-user:${userId}`;

/**
 * Keeps a user's erasure and anything written for the user afterwards from crossing. Erasure
 * and intake of the user's messages take the same per-user lock (PostgreSQL: a transaction
 * advisory lock, exclusive to erase, shared to write; SQLite has one writer at a time), so a
 * message being taken in while the user is erased either commits first, and is deleted by the
 * erasure, or waits for it and then finds the user erased. Each call belongs in the caller's
 * transaction and holds the lock until it ends.
 */
export class ErasedUsers {
  constructor(private readonly dialect: Dialect) {}

  /** Erasing: waits for writes of the user in flight, then records the user as erased. */
  async markErased(trx: Db, userId: string, now = Date.now()): Promise<void> {
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended(${lockKey(userId)}, 0))`.execute(trx);
    await trx.insertInto('ai_erased_users').values({ user_hash: userHash(userId), erased_at: now })
      .onConflict((conflict) => conflict.column('user_hash').doNothing()).execute();
  }

  /** Before writing data of the user: true when the user was erased (write nothing then). */
  async holdForWrite(trx: Db, userId: string): Promise<boolean> {
    if (this.dialect === 'postgres') {
      // The shared lock, then the check with a snapshot taken after it (migration 0003).
      const { rows } = await sql<{ erased: boolean }>`select ai_hold_user_for_write(${lockKey(userId)}, ${userHash(userId)}) as erased`.execute(trx);
      return rows[0]?.erased === true;
    }
    const row = await trx.selectFrom('ai_erased_users').select('user_hash').where('user_hash', '=', userHash(userId)).executeTakeFirst();
    return row !== undefined;
  }
}
