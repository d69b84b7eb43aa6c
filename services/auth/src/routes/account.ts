import type { FastifyInstance } from 'fastify';
import { problem } from '@versaai/kernel';
import { authenticate } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import { accountRepository } from '../account/account-repository.ts';
import { eraseAccount } from '../account/erase-account.ts';
import { apiKeysRepository } from '../api-keys/api-keys-repository.ts';
import { REVOCATION_TTL_MS, type AuthCore } from '../core-ports.ts';
import { verifyPassword } from '../passwords.ts';
import { keyView } from './api-keys.ts';
import { authenticateLiveSession } from './live-session.ts';

const deleteBody = {
  type: 'object', required: ['password'], additionalProperties: false,
  properties: { password: { type: 'string', minLength: 1, maxLength: 256 } },
} as const;

const exported = {
  type: 'object',
  required: ['email', 'role', 'status', 'createdAt', 'emailVerifiedAt', 'passwordChangedAt', 'sessions', 'apiKeys'],
  properties: {
    email: { type: 'string' },
    role: { type: 'string' },
    status: { type: 'string' },
    createdAt: { type: 'string' },
    emailVerifiedAt: { type: ['string', 'null'] },
    passwordChangedAt: { type: ['string', 'null'] },
    sessions: { type: 'array', items: { type: 'object', additionalProperties: true } },
    apiKeys: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

export async function accountRoutes(app: FastifyInstance, ctx: ServiceContext, core: AuthCore): Promise<void> {
  const sessionOnly = authenticateLiveSession(ctx);
  // Deletion takes the password, and a retry after the session was revoked by the deletion
  // itself must still answer 204: the token's signature is enough here.
  const anySession = authenticate({ sessionOnly: true });

  app.delete<{ Body: { password: string } }>('/account', { schema: { body: deleteBody }, onRequest: anySession }, async (request, reply) => {
    const userId = request.identity!.userId;
    const account = await accountRepository.findById(ctx.db, userId);
    // Already deleted (a retried request): the outcome the client wanted, answered the same way.
    if (account) {
      if (!(await verifyPassword(account.passwordHash, request.body.password))) {
        throw problem.badRequest('AUTH_CURRENT_PASSWORD_INVALID', 'The password is not correct.');
      }
      const revoked = await ctx.transaction((trx, publish) => eraseAccount(trx, publish, core, userId));
      // The caller's own session too: its access token must not outlive the account.
      const ids = [...new Set([...(revoked ?? []), request.identity!.sessionId])];
      await ctx.revocations.revoke(ids, REVOCATION_TTL_MS);
      request.log.info({ userId }, 'account deleted');
    }
    core.clearRefreshCookie(reply);
    return reply.code(204).send();
  });

  app.get('/privacy/export', { schema: { response: { 200: exported } }, onRequest: sessionOnly }, async (request) => {
    const userId = request.identity!.userId;
    const account = await accountRepository.findById(ctx.db, userId);
    if (!account) throw problem.notFound('AUTH_ACCOUNT_NOT_FOUND', 'This account no longer exists.');
    const [sessions, apiKeys] = await Promise.all([core.listSessions(ctx.db, userId), apiKeysRepository.listForUser(ctx.db, userId)]);
    return {
      email: account.email,
      role: account.role,
      status: account.status,
      createdAt: account.createdAt,
      emailVerifiedAt: account.emailVerifiedAt,
      passwordChangedAt: account.passwordChangedAt,
      sessions,
      apiKeys: apiKeys.map(keyView),
    };
  });
}
