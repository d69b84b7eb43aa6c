import { defineService } from '@versaai/runtime';
import { authMigrations } from './migrations/index.ts';
import { registerRoute } from './routes/register.ts';

/** Identity: credentials today; sessions, tokens and JWKS build on this. */
export const authService = defineService({
  name: 'auth',
  migrations: authMigrations,
  async routes(app, ctx) {
    await registerRoute(app, ctx);
  },
});
