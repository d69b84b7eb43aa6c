import type { Preferences, Theme } from './preferences.ts';
import type { Db } from './rows.ts';

export interface PreferencesRow {
  user_id: string;
  default_model: string | null;
  theme: string;
  notify_email: number;
  notify_slack: number;
  notify_push: number;
  notify_in_app: number;
}

export function toPreferences(row: PreferencesRow): Preferences {
  return {
    defaultModel: row.default_model,
    theme: row.theme as Theme,
    notifications: {
      email: Number(row.notify_email) === 1,
      slack: Number(row.notify_slack) === 1,
      push: Number(row.notify_push) === 1,
      inApp: Number(row.notify_in_app) === 1,
    },
  };
}

const bit = (value: boolean) => (value ? 1 : 0);

/** Every SQL statement of the preferences aggregate. */
export const preferencesRepository = {
  /** Undefined when the user never changed a preference (the defaults apply). */
  async find(db: Db, userId: string): Promise<Preferences | undefined> {
    const row = await db.selectFrom('preferences').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row ? toPreferences(row as PreferencesRow) : undefined;
  },

  /** Stores the whole set (insert or replace). */
  async save(db: Db, userId: string, preferences: Preferences, updatedAt: string): Promise<void> {
    const values = {
      default_model: preferences.defaultModel,
      theme: preferences.theme,
      notify_email: bit(preferences.notifications.email),
      notify_slack: bit(preferences.notifications.slack),
      notify_push: bit(preferences.notifications.push),
      notify_in_app: bit(preferences.notifications.inApp),
      updated_at: updatedAt,
    };
    await db
      .insertInto('preferences')
      .values({ user_id: userId, ...values })
      .onConflict((conflict) => conflict.column('user_id').doUpdateSet(values))
      .execute();
  },

  async erase(db: Db, userId: string): Promise<void> {
    await db.deleteFrom('preferences').where('user_id', '=', userId).execute();
  },
};
