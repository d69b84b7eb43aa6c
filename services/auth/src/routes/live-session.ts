import type { FastifyRequest } from 'fastify';
import { ProblemError } from '@versaai/kernel';
import { authenticate } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';

/**
 * `authenticate({ sessionOnly: true })` plus the revocation list: credential management must
 * not be reachable with the access token of a session that was just revoked (password
 * changed elsewhere, signed out everywhere, account disabled), even where no gateway checked
 * the list first (a service reached directly). The list is the one the gateway reads, so this
 * costs one lookup (memory, or Redis) on these rare routes.
 */
export function authenticateLiveSession(ctx: ServiceContext) {
  const sessionOnly = authenticate({ sessionOnly: true });
  return async function requireLiveSession(request: FastifyRequest): Promise<void> {
    await sessionOnly(request);
    if (await ctx.revocations.isRevoked(request.identity!.sessionId)) {
      throw new ProblemError({
        status: 401, code: 'AUTH_SESSION_REVOKED', detail: 'This session has ended.', headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
  };
}
