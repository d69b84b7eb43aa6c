import type { Kysely } from 'kysely';
import { toIso } from '../time.ts';

export type OneTimeTokenPurpose = 'email_verification' | 'password_reset';

export interface NewOneTimeToken {
  tokenHash: string;
  userId: string;
  purpose: OneTimeTokenPurpose;
  createdAt: string;
  expiresAt: string;
}

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- auth types its tables by hand

/** Every SQL statement about one-time tokens. Times are ISO strings (text on SQLite, timestamptz on PostgreSQL). */
export const oneTimeTokensRepository = {
  async insert(db: Db, token: NewOneTimeToken): Promise<void> {
    await db.insertInto('one_time_tokens').values({
      token_hash: token.tokenHash, user_id: token.userId, purpose: token.purpose, created_at: token.createdAt, expires_at: token.expiresAt,
    }).execute();
  },

  /** The owner of a token that could still be used now (no write: a cheap check before slow work). */
  async findUsable(db: Db, tokenHash: string, purpose: OneTimeTokenPurpose, now: string): Promise<string | undefined> {
    const row = await db.selectFrom('one_time_tokens').select('user_id')
      .where('token_hash', '=', tokenHash).where('purpose', '=', purpose)
      .where('used_at', 'is', null).where('expires_at', '>', now)
      .executeTakeFirst();
    return row?.user_id as string | undefined;
  },

  /**
   * Marks the token used and returns its owner, in one statement: of two concurrent uses,
   * exactly one gets the user id. Undefined when unknown, used, expired or of another purpose.
   */
  async consume(db: Db, tokenHash: string, purpose: OneTimeTokenPurpose, now: string): Promise<string | undefined> {
    const row = await db.updateTable('one_time_tokens').set({ used_at: now })
      .where('token_hash', '=', tokenHash).where('purpose', '=', purpose)
      .where('used_at', 'is', null).where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    return row?.user_id as string | undefined;
  },

  /** Every other unused token of the user for that purpose stops working (a used reset link retires the older ones). */
  async retireUnused(db: Db, userId: string, purpose: OneTimeTokenPurpose, now: string): Promise<void> {
    await db.updateTable('one_time_tokens').set({ used_at: now })
      .where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null)
      .execute();
  },

  async deleteForUser(db: Db, userId: string): Promise<void> {
    await db.deleteFrom('one_time_tokens').where('user_id', '=', userId).execute();
  },

  /** When the user was last sent a token of this purpose (used or not), or undefined. */
  async lastIssuedAt(db: Db, userId: string, purpose: OneTimeTokenPurpose): Promise<string | undefined> {
    const row = await db.selectFrom('one_time_tokens').select('created_at')
      .where('user_id', '=', userId).where('purpose', '=', purpose)
      .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    return row ? toIso(row.created_at) : undefined;
  },

  /** Drops the user's used and expired tokens of a purpose: they can never work again. */
  async pruneForUser(db: Db, userId: string, purpose: OneTimeTokenPurpose, now: string): Promise<void> {
    await db.deleteFrom('one_time_tokens')
      .where('user_id', '=', userId).where('purpose', '=', purpose)
      .where((eb) => eb.or([eb('used_at', 'is not', null), eb('expires_at', '<=', now)]))
      .execute();
  },
};
