import type { MeDocument } from './me.ts';
import { defaultPreferences } from './preferences.ts';
import { preferencesRepository, toPreferences, type PreferencesRow } from './preferences-repository.ts';
import type { Role } from '@versaai/identity';
import type { Locale, UserStatus } from './profile.ts';
import { profilesRepository, type ProfileRow } from './profiles-repository.ts';
import { reusableQuery, snapshotCache } from '@versaai/storage';
import { iso, type Db } from './rows.ts';

type MeRow = ProfileRow & { [K in keyof PreferencesRow as `p_${K}`]: PreferencesRow[K] | null };

// Every signed-in page reads this: built and compiled once per database, not per request.
const selectMe = reusableQuery((db: Db, userId: string) => db
  .selectFrom('profiles')
  .leftJoin('preferences', 'preferences.user_id', 'profiles.user_id')
  .selectAll('profiles')
  .select([
    'preferences.user_id as p_user_id', 'preferences.default_model as p_default_model', 'preferences.theme as p_theme',
    'preferences.notify_email as p_notify_email', 'preferences.notify_slack as p_notify_slack',
    'preferences.notify_push as p_notify_push', 'preferences.notify_in_app as p_notify_in_app',
  ])
  .where('profiles.user_id', '=', userId), 1);

/**
 * Each signed-in page asks for its user's document, and it rarely changes: on SQLite it is kept
 * until any row of the users database changes (see snapshotCache: the check costs about half
 * the query, and it sees writes by any path, process or replica). Entries are frozen: one
 * object answers many requests. Bounded: a user evicted is read again.
 */
const meByUser = snapshotCache<string, { me: MeDocument | undefined }>({ maxEntries: 10_000 });

function frozen(me: MeDocument | undefined): { me: MeDocument | undefined } {
  if (me) {
    Object.freeze(me.preferences.notifications);
    Object.freeze(me.preferences);
    Object.freeze(me);
  }
  return Object.freeze({ me });
}

function meDocumentOf(row: MeRow | undefined): MeDocument | undefined {
  if (!row) return undefined;
  // One object literal, not `{ ...toProfile(row), preferences }`: adding a property to a spread
  // copy built a new hidden class on every call (seen in profiles of GET /me).
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
    preferences: row.p_user_id === null ? defaultPreferences() : toPreferences({
      user_id: row.p_user_id, default_model: row.p_default_model, theme: row.p_theme!, notify_email: row.p_notify_email!,
      notify_slack: row.p_notify_slack!, notify_push: row.p_notify_push!, notify_in_app: row.p_notify_in_app!,
    }),
  };
}

async function findForUpdate(db: Db, userId: string): Promise<MeDocument | undefined> {
  const profile = await profilesRepository.findById(db, userId, { forUpdate: true });
  if (!profile) return undefined;
  return { ...profile, preferences: (await preferencesRepository.find(db, userId)) ?? defaultPreferences() };
}

/** A user's own document (profile + preferences), read as one unit. */
export const meRepository = {
  /**
   * Undefined until the profile exists (auth's registration event not handled yet, or erased).
   * One query: this is the read every signed-in page makes. With `forUpdate`, the profile row
   * stays locked until the transaction ends (PostgreSQL cannot lock the nullable side of an
   * outer join, hence two reads), so concurrent patches of one user apply one after the other.
   */
  find(db: Db, userId: string, opts: { forUpdate?: boolean } = {}): Promise<MeDocument | undefined> {
    if (opts.forUpdate) return findForUpdate(db, userId);
    // One promise step rather than an async function: this runs on every signed-in request.
    return selectMe(db, userId).then((result) => meDocumentOf(result.rows[0] as MeRow | undefined));
  },

  /**
   * `find` answered at once where the read needs no wait (SQLite, no transaction open on the
   * connection); undefined when `find` must answer. `me` is undefined as with `find`.
   */
  findNow(db: Db, userId: string): { me: MeDocument | undefined } | undefined {
    return meByUser.now(db, userId, () => {
      const result = selectMe.now(db, userId);
      return result && frozen(meDocumentOf(result.rows[0] as MeRow | undefined));
    });
  },
};
