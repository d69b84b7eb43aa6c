import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemError, problem } from '@versaai/kernel';
import { authenticate, type Identity } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import type { AuthCoreRuntime } from '../core.ts';
import { sessionsRepository } from '../sessions/sessions-repository.ts';
import { revokeSession, revokeUserSessions } from '../sessions/revoke-sessions.ts';
import { clearRefreshCookie } from '../tokens/refresh-cookie.ts';

const sessionItem = {
  type: 'object',
  required: ['id', 'device', 'ip', 'createdAt', 'lastUsedAt', 'current'],
  properties: {
    id: { type: 'string' }, device: { type: 'string' }, ip: { type: ['string', 'null'] },
    createdAt: { type: 'string' }, lastUsedAt: { type: 'string' }, current: { type: 'boolean' },
  },
} as const;

const sessionParams = {
  type: 'object', required: ['id'], additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

/**
 * Credential management needs a live session: beyond the token's signature (checked by
 * authenticate), its session must not be revoked here, even where no gateway checked the list.
 */
async function liveSession(ctx: ServiceContext, request: FastifyRequest, nowIso: string): Promise<Identity> {
  const identity = request.identity!;
  const active = await sessionsRepository.listActive(ctx.db, identity.userId, nowIso);
  if (!active.some((session) => session.id === identity.sessionId)) {
    throw new ProblemError({ status: 401, code: 'AUTH_SESSION_REVOKED', detail: 'This session has ended.', headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
  }
  return identity;
}

/** GET /sessions, DELETE /sessions/:id, POST /sessions/revoke-others: a person's own sessions only. */
export async function sessionRoutes(app: FastifyInstance, ctx: ServiceContext, core: AuthCoreRuntime): Promise<void> {
  // onRequest: the caller is authenticated before the body is parsed or validated.
  const onRequest = authenticate({ sessionOnly: true });
  const nowIso = () => new Date(core.now()).toISOString();

  app.get('/sessions', {
    onRequest,
    schema: { response: { 200: { type: 'object', required: ['sessions'], properties: { sessions: { type: 'array', items: sessionItem } } } } },
  }, async (request) => {
    const identity = await liveSession(ctx, request, nowIso());
    const sessions = await sessionsRepository.listActive(ctx.db, identity.userId, nowIso());
    return {
      sessions: sessions.map((session) => ({
        id: session.id, device: session.device, ip: session.ip, createdAt: session.createdAt, lastUsedAt: session.lastUsedAt,
        current: session.id === identity.sessionId,
      })),
    };
  });

  app.delete<{ Params: { id: string } }>('/sessions/:id', { onRequest, schema: { params: sessionParams } }, async (request, reply) => {
    const identity = await liveSession(ctx, request, nowIso());
    // Scoped to the caller: another user's session id is "not found", exactly like an unknown one.
    const revoked = await ctx.transaction((trx) => revokeSession(trx, ctx.revocations, request.params.id, {
      userId: identity.userId, reason: 'user_revoked', now: new Date(core.now()),
    }));
    if (!revoked) throw problem.notFound('AUTH_SESSION_NOT_FOUND', 'No such session.');
    if (request.params.id === identity.sessionId) clearRefreshCookie(reply, { secure: core.config.cookieSecure });
    return reply.code(204).send();
  });

  app.post('/sessions/revoke-others', {
    onRequest,
    schema: { response: { 200: { type: 'object', required: ['revoked'], properties: { revoked: { type: 'integer' } } } } },
  }, async (request) => {
    const identity = await liveSession(ctx, request, nowIso());
    const ids = await ctx.transaction((trx) => revokeUserSessions(trx, ctx.revocations, identity.userId, {
      except: identity.sessionId, reason: 'revoke_others', now: new Date(core.now()),
    }));
    return { revoked: ids.length };
  });
}
