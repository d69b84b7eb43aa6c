import type { FastifyInstance } from 'fastify';
import { resolveIdentity } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import type { AuthCoreRuntime } from '../core.ts';
import { hashRefreshToken, looksLikeRefreshToken } from '../tokens/refresh-token.ts';
import { clearRefreshCookie } from '../tokens/refresh-cookie.ts';
import { sessionsRepository } from '../sessions/sessions-repository.ts';
import { revokeSession } from '../sessions/revoke-sessions.ts';
import { bodyOptional, presentedRefreshToken, refreshBody, type RefreshBody } from './refresh.ts';

/** The session a logout names: by its refresh token (cookie or body), else by the access token. */
async function sessionToEnd(ctx: ServiceContext, request: Parameters<typeof presentedRefreshToken>[0]): Promise<{ sessionId: string; userId: string } | undefined> {
  const { token } = presentedRefreshToken(request);
  if (looksLikeRefreshToken(token)) {
    const stored = await sessionsRepository.findRefreshToken(ctx.db, hashRefreshToken(token));
    if (stored) return { sessionId: stored.sessionId, userId: stored.userId };
  }
  // A bad or expired access token must not stop anyone from logging out.
  const identity = await resolveIdentity(request).catch(() => undefined);
  if (identity?.kind === 'session') return { sessionId: identity.sessionId, userId: identity.userId };
  return undefined;
}

/** POST /logout: ends the current session everywhere (database and revocation list), clears the cookie; always 204. */
export async function logoutRoute(app: FastifyInstance, ctx: ServiceContext, core: AuthCoreRuntime): Promise<void> {
  app.post<{ Body: RefreshBody | undefined }>('/logout', { preValidation: bodyOptional, schema: { body: refreshBody } }, async (request, reply) => {
    const session = await sessionToEnd(ctx, request);
    if (session) {
      await ctx.transaction((trx) => revokeSession(trx, ctx.revocations, session.sessionId, {
        userId: session.userId, reason: 'logout', now: new Date(core.now()),
      }));
      request.log.info({ event: 'auth.logout', userId: session.userId, sessionId: session.sessionId }, 'logged out');
    }
    clearRefreshCookie(reply, { secure: core.config.cookieSecure });
    return reply.code(204).send();
  });
}
