import type { MeDocument } from './me.ts';
import { defaultPreferences } from './preferences.ts';
import { preferencesRepository } from './preferences-repository.ts';
import { profilesRepository } from './profiles-repository.ts';
import type { Db } from './rows.ts';

/** A user's own document (profile + preferences), read as one unit. */
export const meRepository = {
  /**
   * Undefined until the profile exists (auth's registration event not handled yet, or erased).
   * With `forUpdate`, the profile row stays locked until the transaction ends (PostgreSQL), so
   * concurrent patches of one user are applied one after the other.
   */
  async find(db: Db, userId: string, opts: { forUpdate?: boolean } = {}): Promise<MeDocument | undefined> {
    const profile = await profilesRepository.findById(db, userId, opts);
    if (!profile) return undefined;
    const preferences = (await preferencesRepository.find(db, userId)) ?? defaultPreferences();
    return { ...profile, preferences };
  },
};
