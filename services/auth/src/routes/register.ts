import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { createEvent } from '@versaai/events';
import type { Publish, ServiceContext } from '@versaai/runtime';
import { credentialsRepository } from '../credentials-repository.ts';
import { normaliseEmail } from '../email.ts';
import type { AuthCoreRuntime } from '../core.ts';
import { weakPasswordProblem } from '../password-policy.ts';
import { parseAccountConfig } from '../account-config.ts';
import { issueEmailVerification } from '../one-time-tokens/issue-token.ts';

const registerBody = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', format: 'email', maxLength: 254 },
    // The policy (length 10..256, not a common password) answers AUTH_PASSWORD_TOO_WEAK with a reason;
    // the schema only bounds what is worth reading.
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

const accepted = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['pending_verification'] } },
} as const;

interface RegisterBody { email: string; password: string }

/**
 * Someone registered with an address that already has an account. Answering differently would
 * tell anyone which addresses have accounts, so the response is the same 202; the owner is the
 * one to hear about it. No event carries this yet (a future `auth.registration_attempted` for
 * the notification service); until then it is recorded in the log without the address.
 */
export async function notifyExistingAccountOwner(_trx: Kysely<any>, _publish: Publish, ctx: ServiceContext, // eslint-disable-line @typescript-eslint/no-explicit-any
  account: { userId: string }): Promise<void> {
  ctx.logger.info({ event: 'auth.registration_for_existing_account', userId: account.userId }, 'registration attempted with the e-mail of an existing account');
}

/**
 * POST /register → 202 { status: 'pending_verification' } whether the address was free or
 * not (e-mail enumeration through register is impossible: same body, same status, the same
 * argon2 cost in both cases). A new account gets user.registered and an e-mail verification.
 */
export async function registerRoute(app: FastifyInstance, ctx: ServiceContext, core: AuthCoreRuntime): Promise<void> {
  const accountConfig = parseAccountConfig(core.env);
  app.post<{ Body: RegisterBody }>('/register', {
    schema: { body: registerBody, response: { 202: accepted } },
    // Pasted addresses often carry spaces; trim before the format check rather than reject them.
    preValidation: async (request) => {
      const body = request.body as unknown as Partial<Record<string, unknown>> | undefined;
      if (body && typeof body.email === 'string') body.email = body.email.trim();
    },
  }, async (request, reply) => {
    const weak = weakPasswordProblem(request.body.password);
    if (weak) throw weak;
    const email = normaliseEmail(request.body.email);
    // Hashing is slow by design: do it before the transaction so no connection waits on it,
    // and for taken addresses too, so both answers cost the same.
    const passwordHash = await core.hasher.hash(request.body.password);
    const userId = uuidv7();
    const createdAt = new Date(core.now()).toISOString();
    await ctx.transaction(async (trx, publish) => {
      if (!(await credentialsRepository.insertIfEmailFree(trx, { id: userId, email, passwordHash, createdAt }))) {
        const existing = await credentialsRepository.findByEmail(trx, email);
        if (existing) await notifyExistingAccountOwner(trx, publish, ctx, { userId: existing.id });
        return;
      }
      await publish([createEvent('user.registered', { userId, email, registeredAt: createdAt }, { source: 'auth', key: userId })]);
      await issueEmailVerification(trx, publish, { userId, email }, accountConfig);
      request.log.info({ userId }, 'user registered');
    });
    return reply.code(202).send({ status: 'pending_verification' });
  });
}
