import type { FastifyInstance } from 'fastify';
import { problem } from '@versaai/kernel';
import type { ServiceContext } from '@versaai/runtime';
import { authenticateLiveSession } from './live-session.ts';
import { accountRepository } from '../account/account-repository.ts';
import { REVOCATION_TTL_MS, type AuthCore } from '../core-ports.ts';
import { oneTimeTokensRepository } from '../one-time-tokens/one-time-tokens-repository.ts';
import { verifyPassword } from '../passwords.ts';
import { newPasswordSchema, requireAcceptablePassword } from './password-rules.ts';

const changeBody = {
  type: 'object', required: ['currentPassword', 'newPassword'], additionalProperties: false,
  properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 256 }, newPassword: newPasswordSchema },
} as const;

interface ChangeBody { currentPassword: string; newPassword: string }

export async function passwordChangeRoute(app: FastifyInstance, ctx: ServiceContext, core: AuthCore): Promise<void> {
  app.post<{ Body: ChangeBody }>('/password', {
    schema: { body: changeBody },
    onRequest: authenticateLiveSession(ctx),
  }, async (request, reply) => {
    const { userId, sessionId } = request.identity!;
    const account = await accountRepository.findById(ctx.db, userId);
    if (!account || !(await verifyPassword(account.passwordHash, request.body.currentPassword))) {
      throw problem.badRequest('AUTH_CURRENT_PASSWORD_INVALID', 'The current password is not correct.');
    }
    requireAcceptablePassword(request.body.newPassword);
    const passwordHash = await core.hashPassword(request.body.newPassword);
    const now = new Date().toISOString();
    const revoked = await ctx.transaction(async (trx) => {
      await accountRepository.setPassword(trx, userId, passwordHash, now);
      // A reset link asked for before the change must not undo it.
      await oneTimeTokensRepository.retireUnused(trx, userId, 'password_reset', now);
      // Whoever else holds a session (maybe the reason for the change) is signed out; this device stays.
      return core.revokeSessions(trx, userId, { exceptSessionId: sessionId, reason: 'password_changed' });
    });
    if (revoked.length > 0) await ctx.revocations.revoke(revoked, REVOCATION_TTL_MS);
    request.log.info({ userId, sessionsRevoked: revoked.length }, 'password changed');
    return reply.code(204).send();
  });
}
