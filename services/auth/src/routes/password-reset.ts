import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '@versaai/runtime';
import type { AccountConfig } from '../account-config.ts';
import { accountRepository } from '../account/account-repository.ts';
import { REVOCATION_TTL_MS, type AuthCore } from '../core-ports.ts';
import { normaliseEmail } from '../email.ts';
import { issuePasswordReset } from '../one-time-tokens/issue-token.ts';
import { oneTimeTokensRepository } from '../one-time-tokens/one-time-tokens-repository.ts';
import { tokenInvalidOrExpired, tokenSchema } from '../one-time-tokens/token-invalid.ts';
import { hashSecret } from '../secret-token.ts';
import { newPasswordSchema, requireAcceptablePassword } from './password-rules.ts';

const requestBody = {
  type: 'object', required: ['email'], additionalProperties: false,
  properties: { email: { type: 'string', minLength: 1, maxLength: 254 } },
} as const;
const accepted = { type: 'object', required: ['message'], properties: { message: { type: 'string' } } } as const;
const confirmBody = {
  type: 'object', required: ['token', 'password'], additionalProperties: false,
  properties: { token: tokenSchema, password: newPasswordSchema },
} as const;

/** The same words whether or not the address has an account. */
const ACCEPTED_MESSAGE = 'If an account exists for this address, a password-reset e-mail is on its way.';

export async function passwordResetRoutes(app: FastifyInstance, ctx: ServiceContext, deps: { config: AccountConfig; core: AuthCore }): Promise<void> {
  const { config, core } = deps;

  app.post<{ Body: { email: string } }>('/password-reset/request', {
    schema: { body: requestBody, response: { 202: accepted } },
  }, async (request, reply) => {
    const startedAt = performance.now();
    const email = normaliseEmail(request.body.email);
    // Both cases open a transaction and look the address up; only an active account gets a
    // token (and an e-mail). Nothing in the answer differs, and it is held back to a floor so
    // the extra insert does not show in the timing either.
    const userId = await ctx.transaction(async (trx, publish) => {
      const account = await accountRepository.findByEmail(trx, email);
      if (!account || account.status !== 'active') return undefined;
      await issuePasswordReset(trx, publish, { userId: account.userId, email: account.email }, config);
      return account.userId;
    });
    if (userId) request.log.info({ userId }, 'password reset requested');
    const remainingMs = config.passwordResetMinResponseMs - (performance.now() - startedAt);
    if (remainingMs > 0) await sleep(remainingMs);
    return reply.code(202).send({ message: ACCEPTED_MESSAGE });
  });

  app.post<{ Body: { token: string; password: string } }>('/password-reset/confirm', {
    schema: { body: confirmBody },
  }, async (request, reply) => {
    const tokenHash = hashSecret(request.body.token);
    // Cheap checks first, so a bogus token costs no argon2 hash.
    if (!(await oneTimeTokensRepository.findUsable(ctx.db, tokenHash, 'password_reset', new Date().toISOString()))) throw tokenInvalidOrExpired();
    requireAcceptablePassword(request.body.password);
    const passwordHash = await core.hashPassword(request.body.password);
    const now = new Date().toISOString();
    const outcome = await ctx.transaction(async (trx) => {
      // The atomic claim: of two concurrent confirmations with one token, one wins.
      const userId = await oneTimeTokensRepository.consume(trx, tokenHash, 'password_reset', now);
      if (!userId) return undefined;
      const account = await accountRepository.findById(trx, userId);
      if (!account || account.status !== 'active') return undefined;
      await oneTimeTokensRepository.retireUnused(trx, userId, 'password_reset', now);
      await accountRepository.setPassword(trx, userId, passwordHash, now);
      // Following the link proved the mailbox is theirs.
      await accountRepository.markEmailVerified(trx, userId, now);
      const revoked = await core.revokeSessions(trx, userId, { reason: 'password_reset' });
      return { userId, revoked };
    });
    if (!outcome) throw tokenInvalidOrExpired();
    if (outcome.revoked.length > 0) await ctx.revocations.revoke(outcome.revoked, REVOCATION_TTL_MS);
    request.log.info({ userId: outcome.userId, sessionsRevoked: outcome.revoked.length }, 'password reset');
    return reply.code(204).send();
  });
}
