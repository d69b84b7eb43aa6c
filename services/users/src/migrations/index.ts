import type { Migration } from '@versaai/storage';
import { createProfiles } from './0001-profiles.ts';
import { addProfileFields } from './0002-profile-fields.ts';
import { createPreferences } from './0003-preferences.ts';

/** Every migration of the users database, one file each; the runner applies those not yet applied, by name. */
export const usersMigrations: Migration[] = [createProfiles, addProfileFields, createPreferences];
