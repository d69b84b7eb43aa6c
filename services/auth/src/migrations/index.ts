import type { Migration } from '@versaai/storage';
import { createCredentials } from './0001-credentials.ts';
import { addCredentialStatus } from './0002-credential-status.ts';

/** Every migration of the auth database, one file each; the runner applies those not yet applied, by name. */
export const authMigrations: Migration[] = [createCredentials, addCredentialStatus];
