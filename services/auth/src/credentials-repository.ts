import type { Kysely } from 'kysely';

export interface NewCredential {
  id: string;
  email: string;
  passwordHash: string;
  createdAt: string;
}

/** What login and refresh need to know about an account. */
export interface CredentialRecord {
  id: string;
  email: string;
  passwordHash: string;
  role: 'user' | 'admin';
  status: 'active' | 'disabled';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toRecord(row: any): CredentialRecord {
  return { id: row.id, email: row.email, passwordHash: row.password_hash, role: row.role === 'admin' ? 'admin' : 'user', status: row.status === 'disabled' ? 'disabled' : 'active' };
}

/** Every SQL statement of the credentials aggregate. */
export const credentialsRepository = {
  /** Inserts the credential; false when the e-mail is already registered (no exception, no aborted transaction). */
  async insertIfEmailFree(db: Kysely<any>, credential: NewCredential): Promise<boolean> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const inserted = await db
      .insertInto('credentials')
      .values({ id: credential.id, email: credential.email, password_hash: credential.passwordHash, created_at: credential.createdAt })
      .onConflict((conflict) => conflict.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  },

  /** By normalised e-mail. */
  async findByEmail(db: Kysely<any>, email: string): Promise<CredentialRecord | undefined> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const row = await db.selectFrom('credentials').select(['id', 'email', 'password_hash', 'role', 'status']).where('email', '=', email).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  },

  async findById(db: Kysely<any>, id: string): Promise<CredentialRecord | undefined> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const row = await db.selectFrom('credentials').select(['id', 'email', 'password_hash', 'role', 'status']).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  },
};
