import { sql } from 'kysely';
import type { Role } from '@versaai/identity';
import type { Locale, Profile, UserStatus } from './profile.ts';
import { iso, type Db } from './rows.ts';

export interface ProfileRow {
  user_id: string;
  email: string;
  display_name: string | null;
  display_name_folded: string | null;
  avatar_url: string | null;
  locale: string | null;
  time_zone: string | null;
  role: string;
  status: string;
  created_at: string | Date;
  updated_at: string | Date;
}

export function toProfile(row: ProfileRow): Profile {
  return {
    userId: row.user_id,
    email: row.email,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    locale: row.locale as Locale | null,
    timeZone: row.time_zone,
    role: row.role as Role,
    status: row.status as UserStatus,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** Lower-cased by the application: SQLite's lower() folds ASCII only, so SQL cannot do it alike on both dialects. */
function fold(value: string | null): string | null {
  return value === null ? null : value.toLowerCase();
}

/** `%text%` for LIKE with the wildcards of `text` taken literally (escape character `\`). */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export type ProfileUpdate = Partial<Pick<Profile, 'displayName' | 'avatarUrl' | 'locale' | 'timeZone' | 'role' | 'status'>>;

export interface ListFilter {
  /** Substring of the e-mail or display name, any case. */
  query?: string;
  status?: UserStatus;
  role?: Role;
  limit: number;
  /** Keyset: only users whose id sorts before this one. */
  beforeUserId?: string;
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
        display_name_folded: fold(profile.displayName),
        locale: null,
        created_at: profile.createdAt,
        updated_at: profile.createdAt,
      })
      .onConflict((conflict) => conflict.column('user_id').doNothing())
      .execute();
  },

  /** `forUpdate` locks the row on PostgreSQL for a read-modify-write (SQLite serialises writers anyway). */
  async findById(db: Db, userId: string, opts: { forUpdate?: boolean } = {}): Promise<Profile | undefined> {
    let query = db.selectFrom('profiles').selectAll().where('user_id', '=', userId);
    if (opts.forUpdate) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toProfile(row as ProfileRow) : undefined;
  },

  /** Writes the given fields; false when there is no such profile. */
  async update(db: Db, userId: string, update: ProfileUpdate, updatedAt: string): Promise<boolean> {
    const values: Record<string, unknown> = { updated_at: updatedAt };
    if (update.displayName !== undefined) {
      values.display_name = update.displayName;
      values.display_name_folded = fold(update.displayName);
    }
    if (update.avatarUrl !== undefined) values.avatar_url = update.avatarUrl;
    if (update.locale !== undefined) values.locale = update.locale;
    if (update.timeZone !== undefined) values.time_zone = update.timeZone;
    if (update.role !== undefined) values.role = update.role;
    if (update.status !== undefined) values.status = update.status;
    const result = await db.updateTable('profiles').set(values).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  /**
   * One page of users, newest first: user ids are UUIDv7, so id order is registration order,
   * and the keyset (id < last id of the previous page) stays exact under concurrent inserts.
   */
  async list(db: Db, filter: ListFilter): Promise<Profile[]> {
    let query = db.selectFrom('profiles').selectAll();
    if (filter.query !== undefined && filter.query !== '') {
      const pattern = containsPattern(filter.query);
      query = query.where((eb) => eb.or([
        eb(sql`lower(email)`, 'like', sql`${pattern} escape '\\'`),
        eb('display_name_folded', 'like', sql`${pattern} escape '\\'`),
      ]));
    }
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.role) query = query.where('role', '=', filter.role);
    if (filter.beforeUserId !== undefined) query = query.where('user_id', '<', filter.beforeUserId);
    const rows = await query.orderBy('user_id', 'desc').limit(filter.limit).execute();
    return (rows as ProfileRow[]).map(toProfile);
  },

  async erase(db: Db, userId: string): Promise<void> {
    await db.deleteFrom('profiles').where('user_id', '=', userId).execute();
  },
};
