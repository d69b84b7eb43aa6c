import type { Preferences } from './preferences.ts';
import { preferencesSchema } from './preferences.ts';
import { profileProperties, type Profile } from './profile.ts';

/** What `GET /api/users/me` returns: the profile with the preferences inside. */
export type MeDocument = Profile & { preferences: Preferences };

export const meSchema = {
  type: 'object',
  required: [...Object.keys(profileProperties), 'preferences'],
  properties: { ...profileProperties, preferences: preferencesSchema },
} as const;
