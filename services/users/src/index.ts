import { defineService } from '@versaai/runtime';
import { onUserRegistered } from './handlers/user-registered.ts';
import { usersMigrations } from './migrations/index.ts';
import { getProfileRoute } from './routes/get-profile.ts';

/** Profiles: a local projection of auth's registrations, owned and served by this service. */
export const usersService = defineService({
  name: 'users',
  migrations: usersMigrations,
  async routes(app, ctx) {
    await getProfileRoute(app, ctx);
  },
  handlers: () => ({ 'user.registered': onUserRegistered }),
});
