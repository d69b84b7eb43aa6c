import type { Kysely } from 'kysely';

export interface NewCredential {
  id: string;
  email: string;
  passwordHash: string;
  createdAt: string;
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
};
