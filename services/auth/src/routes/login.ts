import type { FastifyInstance } from 'fastify';
import { ProblemError } from '@versaai/kernel';
import type { ServiceContext } from '@versaai/runtime';
import type { AuthCoreRuntime } from '../core.ts';
import { credentialsRepository } from '../credentials-repository.ts';
import { normaliseEmail } from '../email.ts';
import { clientAddress } from '../client-address.ts';
import { accountKey, ipKey } from '../throttle/login-throttle.ts';
import { clientKind, sendTokens, startSession, tokenPairSchema } from '../sessions/issue-session.ts';

const loginBody = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: {
    // No format check: a malformed address is just another failed login (same answer, same cost).
    email: { type: 'string', minLength: 1, maxLength: 254 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
    client: { type: 'string', enum: ['web', 'api'] },
  },
} as const;

interface LoginBody { email: string; password: string; client?: 'web' | 'api' }

export function invalidCredentials(): ProblemError {
  return new ProblemError({ status: 401, code: 'AUTH_INVALID_CREDENTIALS', detail: 'The e-mail address or the password is wrong.' });
}

export function tooManyAttempts(waitMs: number): ProblemError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new ProblemError({
    status: 429, code: 'AUTH_TOO_MANY_ATTEMPTS', detail: 'Too many failed logins; try again later.',
    headers: { 'retry-after': String(seconds) }, extensions: { retryAfterSeconds: seconds },
  });
}

/**
 * POST /login. Whether the e-mail exists or not, a wrong password costs one argon2 verification
 * (against a dummy hash for unknown e-mails) and gets the same 401, and the e-mail's throttle
 * counts either way. A disabled account is told so only after its correct password (403): a
 * stranger learns nothing from it.
 */
export async function loginRoute(app: FastifyInstance, ctx: ServiceContext, core: AuthCoreRuntime): Promise<void> {
  app.post<{ Body: LoginBody }>('/login', { schema: { body: loginBody, response: { 200: tokenPairSchema } } }, async (request, reply) => {
    const email = normaliseEmail(request.body.email);
    const ip = clientAddress(request, core.config.trustProxy);
    const keys = [accountKey(core.config.throttle.account, email), ipKey(core.config.throttle.ip, ip)];
    const seen = await core.throttle.check(keys);
    if (seen.waitMs > 0) throw tooManyAttempts(seen.waitMs);
    // Counted before the (slow) verification, so parallel guesses cannot all slip through.
    const overBudgetMs = await core.throttle.reserve(keys, seen);
    if (overBudgetMs > 0) throw tooManyAttempts(overBudgetMs);

    const credential = await credentialsRepository.findByEmail(ctx.db, email);
    const passwordOk = credential
      ? await core.hasher.verify(credential.passwordHash, request.body.password).catch(() => false)
      : await core.hasher.verifyDummy(request.body.password);
    if (!credential || !passwordOk) {
      request.log.info({ event: 'auth.login_failed' }, 'login failed');
      throw invalidCredentials();
    }
    await core.throttle.succeeded(keys[0]!, keys[1]!);
    if (credential.status === 'disabled') {
      throw new ProblemError({ status: 403, code: 'AUTH_ACCOUNT_DISABLED', detail: 'This account has been disabled.' });
    }
    const client = clientKind(request.body.client, request.headers['x-versaai-client']);
    const { sessionId, refreshToken } = await startSession(ctx, core, credential, { userAgent: request.headers['user-agent'], ip });
    request.log.info({ event: 'auth.login', userId: credential.id, sessionId }, 'logged in');
    return sendTokens(reply, core, { user: credential, sessionId, refreshToken, client });
  });
}
