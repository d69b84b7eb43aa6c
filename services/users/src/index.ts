import { defineService } from '@versaai/runtime';
import { onUserDeleted } from './handlers/user-deleted.ts';
import { onUserRegistered } from './handlers/user-registered.ts';
import { onUserUpdated } from './handlers/user-updated.ts';
import { usersMigrations } from './migrations/index.ts';
import { adminRoutes } from './routes/admin.ts';
import { meRoutes } from './routes/me.ts';
import { privacyRoutes } from './routes/privacy.ts';

/**
 * Profiles, preferences and user administration. Profiles are created from auth's
 * registrations; every route verifies the caller's token itself (zero trust).
 */
export const usersService = defineService({
  name: 'users',
  migrations: usersMigrations,
  async routes(app, ctx) {
    // RFC 7396's media type for PATCH bodies, parsed like JSON (same prototype-poisoning rules).
    app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
    await meRoutes(app, ctx);
    await adminRoutes(app, ctx);
    await privacyRoutes(app, ctx);
  },
  handlers: () => ({ 'user.registered': onUserRegistered, 'user.updated': onUserUpdated, 'user.deleted': onUserDeleted }),
});
