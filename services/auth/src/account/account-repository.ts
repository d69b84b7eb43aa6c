import type { Kysely } from 'kysely';
import type { Role } from '@versaai/identity';
import { toIso, toIsoOrNull } from '../time.ts';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type AccountStatus = 'active' | 'disabled';

export interface Account {
  userId: string;
  email: string;
  passwordHash: string;
  role: Role;
  status: AccountStatus;
  createdAt: string;
  emailVerifiedAt: string | null;
  passwordChangedAt: string | null;
}

function toAccount(row: Record<string, unknown>): Account {
  return {
    userId: row.id as string,
    email: row.email as string,
    passwordHash: row.password_hash as string,
    role: row.role as Role,
    status: row.status as AccountStatus,
    createdAt: toIso(row.created_at),
    emailVerifiedAt: toIsoOrNull(row.email_verified_at),
    passwordChangedAt: toIsoOrNull(row.password_changed_at),
  };
}

/** The credential statements of the account flows (verification, reset, change, projection, deletion). */
export const accountRepository = {
  async findById(db: Db, userId: string): Promise<Account | undefined> {
    const row = await db.selectFrom('credentials').selectAll().where('id', '=', userId).executeTakeFirst();
    return row ? toAccount(row) : undefined;
  },

  async findByEmail(db: Db, email: string): Promise<Account | undefined> {
    const row = await db.selectFrom('credentials').selectAll().where('email', '=', email).executeTakeFirst();
    return row ? toAccount(row) : undefined;
  },

  async setPassword(db: Db, userId: string, passwordHash: string, now: string): Promise<void> {
    await db.updateTable('credentials').set({ password_hash: passwordHash, password_changed_at: now }).where('id', '=', userId).execute();
  },

  /** Keeps the first verification time when the address is confirmed again. */
  async markEmailVerified(db: Db, userId: string, now: string): Promise<void> {
    await db.updateTable('credentials').set({ email_verified_at: now })
      .where('id', '=', userId).where('email_verified_at', 'is', null).execute();
  },

  async setRoleAndStatus(db: Db, userId: string, changes: { role?: Role; status?: AccountStatus }): Promise<void> {
    await db.updateTable('credentials').set(changes).where('id', '=', userId).execute();
  },

  async insertAdmin(db: Db, account: { userId: string; email: string; passwordHash: string; createdAt: string }): Promise<boolean> {
    const inserted = await db.insertInto('credentials')
      .values({ id: account.userId, email: account.email, password_hash: account.passwordHash, created_at: account.createdAt, role: 'admin' })
      .onConflict((conflict) => conflict.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  },

  async delete(db: Db, userId: string): Promise<void> {
    await db.deleteFrom('credentials').where('id', '=', userId).execute();
  },
};
