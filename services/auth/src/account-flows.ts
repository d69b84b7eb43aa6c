import type { FastifyInstance } from 'fastify';
import type { EventHandler, EventType } from '@versaai/events';
import type { ServiceContext } from '@versaai/runtime';
import { parseAccountConfig, type AccountConfig } from './account-config.ts';
import type { AuthCore } from './core-ports.ts';
import { logEmailDelivery } from './handlers/log-email-delivery.ts';
import { onUserUpdated } from './handlers/user-updated.ts';
import { accountRoutes } from './routes/account.ts';
import { apiKeyExchangeRoute } from './routes/api-key-exchange.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { emailVerificationRoutes } from './routes/email-verification.ts';
import { passwordChangeRoute } from './routes/password-change.ts';
import { passwordResetRoutes } from './routes/password-reset.ts';

/**
 * Auth's account flows around the core (login, sessions, tokens): e-mail verification,
 * password reset and change, API keys, role/status projection, deletion and export.
 */
export async function registerAccountRoutes(app: FastifyInstance, ctx: ServiceContext, core: AuthCore, config: AccountConfig = parseAccountConfig()): Promise<void> {
  await emailVerificationRoutes(app, ctx, config);
  await passwordResetRoutes(app, ctx, { config, core });
  await passwordChangeRoute(app, ctx, core);
  await apiKeyRoutes(app, ctx);
  await apiKeyExchangeRoute(app, ctx, core);
  await accountRoutes(app, ctx, core);
}

export function accountHandlers(ctx: ServiceContext, core: AuthCore, config: AccountConfig = parseAccountConfig()): Partial<Record<EventType, EventHandler>> {
  const logDelivery = logEmailDelivery(config);
  return {
    'user.updated': onUserUpdated(ctx, core),
    // Until the notification service delivers these, auth records them (see docs/identity.md).
    'auth.email_verification_requested': logDelivery,
    'auth.password_reset_requested': logDelivery,
  };
}
