import { defineService, type ServiceDefinition } from '@versaai/runtime';
import { accountHandlers, registerAccountRoutes } from './account-flows.ts';
import { parseAccountConfig } from './account-config.ts';
import { createAuthCorePort, startAuthCore, type AuthCoreRuntime, type AuthServiceOptions } from './core.ts';
import { authMigrations } from './migrations/index.ts';
import { registerCoreRoutes } from './routes/core-routes.ts';

/**
 * Identity: credentials, keys and access tokens, sessions and refresh tokens, login throttling,
 * and the account flows around them. Settings are read from `options.env` (default: the
 * platform's environment) when the routes are mounted, so importing the service reads nothing.
 */
export function createAuthService(options: AuthServiceOptions = {}): ServiceDefinition {
  let runtime: AuthCoreRuntime | undefined;
  const core = createAuthCorePort(() => runtime);
  return defineService({
    name: 'auth',
    migrations: authMigrations,
    async routes(app, ctx) {
      runtime = await startAuthCore(ctx, options);
      await registerCoreRoutes(app, ctx, runtime);
      await registerAccountRoutes(app, ctx, core, parseAccountConfig(runtime.env));
    },
    handlers: (ctx) => accountHandlers(ctx, core, parseAccountConfig(options.env ?? ctx.env)),
  });
}

export const authService = createAuthService();

export type { AuthServiceOptions } from './core.ts';
export { revokeSession, revokeUserSessions, SESSION_REVOCATION_TTL_MS } from './sessions/revoke-sessions.ts';
export { ensureKeyFile, newKeyFileJson, rotateKeyFile, RETIRED_KEY_GRACE_MS } from './keys/rotate.ts';
export { DEFAULT_KEY_FILE_NAME } from './config.ts';
export { argon2FromEnv, createOrPromoteAdmin, CreateAdminError, type CreateAdminOutcome } from './account/create-admin.ts';
export { checkPasswordPolicy } from './password-policy.ts';
