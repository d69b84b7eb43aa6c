import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { problem } from '@versaai/kernel';
import { createEvent } from '@versaai/events';
import type { ServiceContext } from '@versaai/runtime';
import { credentialsRepository } from '../credentials-repository.ts';
import { normaliseEmail } from '../email.ts';
import { hashPassword } from '../passwords.ts';

const registerBody = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', format: 'email', maxLength: 254 },
    password: { type: 'string', minLength: 10, maxLength: 256 },
  },
} as const;

const registered = {
  type: 'object',
  required: ['userId', 'email'],
  properties: { userId: { type: 'string' }, email: { type: 'string' } },
} as const;

interface RegisterBody { email: string; password: string }

export async function registerRoute(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  app.post<{ Body: RegisterBody }>('/register', {
    schema: { body: registerBody, response: { 201: registered } },
    // Pasted addresses often carry spaces; trim before the format check rather than reject them.
    preValidation: async (request) => {
      const body = request.body as unknown as Partial<Record<string, unknown>> | undefined;
      if (body && typeof body.email === 'string') body.email = body.email.trim();
    },
  }, async (request, reply) => {
    const email = normaliseEmail(request.body.email);
    // Hashing is slow by design: do it before the transaction so no connection waits on it.
    const passwordHash = await hashPassword(request.body.password);
    const userId = uuidv7();
    const createdAt = new Date().toISOString();
    const created = await ctx.transaction(async (trx, publish) => {
      if (!(await credentialsRepository.insertIfEmailFree(trx, { id: userId, email, passwordHash, createdAt }))) return false;
      await publish([createEvent('user.registered', { userId, email, registeredAt: createdAt }, { source: 'auth', key: userId })]);
      return true;
    });
    if (!created) throw problem.conflict('AUTH_EMAIL_TAKEN', 'An account with this e-mail address already exists.');
    request.log.info({ userId }, 'user registered');
    return reply.code(201).send({ userId, email });
  });
}
