import type { Migration } from '@versaai/storage';
import { createProfiles } from './0001-profiles.ts';

/** Every migration of the users database, one file each; the runner applies those not yet applied, by name. */
export const usersMigrations: Migration[] = [createProfiles];
