import type { Migration } from '@versaai/storage';
import { createCredentials } from './0001-credentials.ts';
import { addCredentialStatus } from './0002-credential-status.ts';
import { createOneTimeTokens } from './0005-one-time-tokens.ts';
import { createApiKeys } from './0006-api-keys.ts';
import { createSessions } from './0003-sessions.ts';
import { createLoginAttempts } from './0004-login-attempts.ts';

/** Every migration of the auth database, one file each; the runner applies those not yet applied, by name. */
export const authMigrations: Migration[] = [createCredentials, addCredentialStatus, createSessions, createLoginAttempts, createOneTimeTokens, createApiKeys];
