import type { Kysely } from 'kysely';
import type { Profile } from './profile.ts';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface ProfileRow {
  user_id: string;
  email: string;
  display_name: string | null;
  locale: string | null;
  created_at: string | Date;
  updated_at: string | Date;
}

// PostgreSQL returns timestamptz as Date, SQLite stores ISO text: the API always gets ISO text.
function iso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

function toProfile(row: ProfileRow): Profile {
  return {
    userId: row.user_id,
    email: row.email,
    displayName: row.display_name,
    locale: row.locale,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** Every SQL statement of the profiles aggregate. */
export const profilesRepository = {
  /** Creates the profile unless it exists: a redelivered registration changes nothing. */
  async createIfMissing(db: Db, profile: { userId: string; email: string; displayName: string | null; createdAt: string }): Promise<void> {
    await db
      .insertInto('profiles')
      .values({
        user_id: profile.userId,
        email: profile.email,
        display_name: profile.displayName,
        locale: null,
        created_at: profile.createdAt,
        updated_at: profile.createdAt,
      })
      .onConflict((conflict) => conflict.column('user_id').doNothing())
      .execute();
  },

  async findById(db: Db, userId: string): Promise<Profile | undefined> {
    const row = await db.selectFrom('profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row ? toProfile(row as ProfileRow) : undefined;
  },
};
