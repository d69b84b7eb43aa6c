import type { FastifyInstance } from 'fastify';
import { ProblemError, problem } from '@versaai/kernel';
import type { ServiceContext } from '@versaai/runtime';
import { authenticateLiveSession } from './live-session.ts';
import type { AccountConfig } from '../account-config.ts';
import { accountRepository } from '../account/account-repository.ts';
import { issueEmailVerification } from '../one-time-tokens/issue-token.ts';
import { oneTimeTokensRepository } from '../one-time-tokens/one-time-tokens-repository.ts';
import { tokenInvalidOrExpired, tokenSchema } from '../one-time-tokens/token-invalid.ts';
import { hashSecret } from '../secret-token.ts';

const confirmBody = { type: 'object', required: ['token'], additionalProperties: false, properties: { token: tokenSchema } } as const;
const verified = { type: 'object', required: ['emailVerifiedAt'], properties: { emailVerifiedAt: { type: 'string' } } } as const;

/** A resend is refused this soon after the last one, so the endpoint cannot flood a mailbox. */
const RESEND_INTERVAL_MS = 60_000;

export async function emailVerificationRoutes(app: FastifyInstance, ctx: ServiceContext, config: AccountConfig): Promise<void> {
  app.post('/email-verification', { onRequest: authenticateLiveSession(ctx) }, async (request, reply) => {
    const userId = request.identity!.userId;
    const now = new Date();
    const outcome = await ctx.transaction(async (trx, publish) => {
      const account = await accountRepository.findById(trx, userId);
      if (!account) return 'gone' as const;
      if (account.emailVerifiedAt) return 'verified' as const;
      const lastSentAt = await oneTimeTokensRepository.lastIssuedAt(trx, userId, 'email_verification');
      if (lastSentAt && now.getTime() - Date.parse(lastSentAt) < RESEND_INTERVAL_MS) {
        return Math.ceil((Date.parse(lastSentAt) + RESEND_INTERVAL_MS - now.getTime()) / 1000);
      }
      await issueEmailVerification(trx, publish, { userId, email: account.email }, config, now);
      return 'sent' as const;
    });
    if (outcome === 'gone') throw problem.notFound('AUTH_ACCOUNT_NOT_FOUND', 'This account no longer exists.');
    if (outcome === 'verified') throw problem.conflict('AUTH_EMAIL_ALREADY_VERIFIED', 'Your e-mail address is already verified.');
    if (typeof outcome === 'number') {
      throw new ProblemError({
        status: 429, code: 'AUTH_EMAIL_VERIFICATION_TOO_SOON', detail: 'A verification e-mail was sent a moment ago; wait before asking again.',
        headers: { 'retry-after': String(outcome) },
      });
    }
    request.log.info({ userId }, 'e-mail verification requested');
    return reply.code(202).send();
  });

  app.post<{ Body: { token: string } }>('/email-verification/confirm', {
    schema: { body: confirmBody, response: { 200: verified } },
  }, async (request) => {
    const now = new Date().toISOString();
    const userId = await ctx.transaction(async (trx) => {
      const owner = await oneTimeTokensRepository.consume(trx, hashSecret(request.body.token), 'email_verification', now);
      if (owner) await accountRepository.markEmailVerified(trx, owner, now);
      return owner;
    });
    if (!userId) throw tokenInvalidOrExpired();
    const account = await accountRepository.findById(ctx.db, userId);
    request.log.info({ userId }, 'e-mail verified');
    return { emailVerifiedAt: account?.emailVerifiedAt ?? now };
  });
}
