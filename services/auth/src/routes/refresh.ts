import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { ProblemError } from '@versaai/kernel';
import type { ServiceContext } from '@versaai/runtime';
import type { AuthCoreRuntime } from '../core.ts';
import { credentialsRepository } from '../credentials-repository.ts';
import { clientAddress } from '../client-address.ts';
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from '../tokens/refresh-token.ts';
import { clearRefreshCookie, refreshCookieOf } from '../tokens/refresh-cookie.ts';
import { sessionsRepository, type StoredRefreshToken } from '../sessions/sessions-repository.ts';
import { revokeSession } from '../sessions/revoke-sessions.ts';
import { sendTokens, tokenPairSchema } from '../sessions/issue-session.ts';

export const refreshBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    refreshToken: { type: 'string', maxLength: 256 },
    client: { type: 'string', enum: ['web', 'api'] },
  },
} as const;

export interface RefreshBody { refreshToken?: string; client?: 'web' | 'api' }

/** The web app posts no body at all (the token is in its cookie): validate that as `{}`. */
export async function bodyOptional(request: FastifyRequest): Promise<void> {
  // Only a missing body (the web app's bodiless POST): an explicit JSON null is not an object and fails the schema.
  if (request.body === undefined) request.body = {};
}

function refreshInvalid(): ProblemError {
  return new ProblemError({ status: 401, code: 'AUTH_REFRESH_INVALID', detail: 'The refresh token is invalid or has expired; log in again.' });
}

/** The refresh token of a request: the body's (API clients) or the cookie's (web app). */
export function presentedRefreshToken(request: FastifyRequest): { token: string | undefined; from: 'body' | 'cookie' } {
  const fromBody = (request.body as RefreshBody | undefined | null)?.refreshToken;
  if (fromBody !== undefined) return { token: fromBody, from: 'body' };
  return { token: refreshCookieOf(request), from: 'cookie' };
}

/**
 * POST /refresh: rotates the refresh token. The old one is marked used by a conditional
 * UPDATE (… WHERE used_at IS NULL), so of two refreshes racing with one token exactly one
 * rotates it. A token presented after it was used means two parties hold it (one of them a
 * thief): the whole session (the token family) is revoked, logged as a security event, 401.
 *
 * Except within the reuse grace (AUTH_REFRESH_REUSE_GRACE, as Auth0's reuse interval): a
 * token rotated moments ago is what a page reloaded mid-refresh, or a second tab racing the
 * first, still holds — their answer never arrived. Such a request gets a token of its own
 * for the same session, and the session lives on.
 */
export async function refreshRoute(app: FastifyInstance, ctx: ServiceContext, core: AuthCoreRuntime): Promise<void> {
  const secure = core.config.cookieSecure;

  async function reuseDetected(stored: StoredRefreshToken, reply: FastifyReply, ip: string): Promise<never> {
    const now = new Date(core.now());
    await ctx.transaction(async (trx) => {
      await revokeSession(trx, ctx.revocations, stored.sessionId, { reason: 'refresh_reuse', now });
      await trx.updateTable('refresh_tokens').set({ used_at: now.toISOString() })
        .where('session_id', '=', stored.sessionId).where('used_at', 'is', null).execute();
    });
    ctx.logger.warn({ event: 'security.refresh_token_reuse', userId: stored.userId, sessionId: stored.sessionId, ip },
      'a rotated refresh token was presented again; its session is revoked');
    clearRefreshCookie(reply, { secure });
    throw new ProblemError({ status: 401, code: 'AUTH_REFRESH_REUSED', detail: 'This refresh token was already used; the session has been ended.' });
  }

  app.post<{ Body: RefreshBody | undefined }>('/refresh', { preValidation: bodyOptional, schema: { body: refreshBody, response: { 200: tokenPairSchema } } }, async (request, reply) => {
    const { token, from } = presentedRefreshToken(request);
    const ip = clientAddress(request, core.config.trustProxy);
    const refuse = () => {
      if (from === 'cookie') clearRefreshCookie(reply, { secure });
      return refreshInvalid();
    };
    if (!looksLikeRefreshToken(token)) throw refuse();
    const stored = await sessionsRepository.findRefreshToken(ctx.db, hashRefreshToken(token));
    if (!stored || stored.sessionRevokedAt !== null) throw refuse();
    const now = new Date(core.now());
    const graceMs = core.config.refreshReuseGraceMs;
    const withinGrace = (usedAt: string) => graceMs > 0 && now.getTime() - Date.parse(usedAt) <= graceMs;
    if (stored.usedAt !== null && !withinGrace(stored.usedAt)) return reuseDetected(stored, reply, ip);
    if (Date.parse(stored.expiresAt) <= now.getTime()) throw refuse();
    const user = await credentialsRepository.findById(ctx.db, stored.userId);
    if (!user || user.status === 'disabled') {
      await ctx.transaction((trx) => revokeSession(trx, ctx.revocations, stored.sessionId, { reason: 'account_disabled', now }));
      throw refuse();
    }

    const next = newRefreshToken();
    const nextId = uuidv7();
    const expiresAt = new Date(now.getTime() + core.config.refreshTokenTtlMs).toISOString();
    const rotated = await ctx.transaction(async (trx) => {
      // Already used (within the grace, checked above), or used this instant by a racing request.
      const rotatesIt = stored.usedAt === null && (await sessionsRepository.markUsed(trx, stored.tokenId, nextId, now.toISOString()));
      if (!rotatesIt && graceMs === 0) return false;
      await sessionsRepository.addRefreshToken(trx, { id: nextId, sessionId: stored.sessionId, hash: next.hash, now: now.toISOString(), expiresAt });
      await sessionsRepository.touch(trx, stored.sessionId, { now: now.toISOString(), ip, expiresAt });
      return true;
    });
    // Lost the race with no grace allowed: another request used this token a moment ago.
    if (!rotated) return reuseDetected(stored, reply, ip);
    if (stored.usedAt !== null) ctx.logger.info({ event: 'auth.refresh_within_grace', userId: stored.userId, sessionId: stored.sessionId, ip }, 'a refresh token rotated moments ago was presented again within the grace; a new token was issued');
    return sendTokens(reply, core, {
      user, sessionId: stored.sessionId, refreshToken: next.token, client: from === 'body' ? 'api' : 'web',
    });
  });
}
