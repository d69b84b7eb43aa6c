import type { Migration } from '@versaai/storage';

/** Every migration of the ai database, one file each; the runner applies those not yet applied, by name. */
export const aiMigrations: Migration[] = [];
