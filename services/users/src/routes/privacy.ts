import type { FastifyInstance } from 'fastify';
import { authenticate } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import { preferencesSchema } from '../preferences.ts';
import { preferencesRepository } from '../preferences-repository.ts';
import { profileSchema } from '../profile.ts';
import { profilesRepository } from '../profiles-repository.ts';

const exportSchema = {
  type: 'object',
  required: ['profile', 'preferences'],
  properties: {
    profile: { anyOf: [profileSchema, { type: 'null' }] },
    preferences: { anyOf: [preferencesSchema, { type: 'null' }] },
  },
} as const;

/**
 * The users service's part of the caller's data export (the gateway assembles every
 * service's part): every row it holds about them, as stored. `preferences` is null when the
 * user never changed one (the defaults apply; nothing is stored).
 */
export async function privacyRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  app.get('/privacy/export', {
    onRequest: authenticate({ sessionOnly: true }),
    schema: { response: { 200: exportSchema } },
  }, async (request, reply) => {
    const userId = request.identity!.userId;
    const [profile, preferences] = await Promise.all([profilesRepository.findById(ctx.db, userId), preferencesRepository.find(ctx.db, userId)]);
    reply.header('cache-control', 'no-store');
    return { profile: profile ?? null, preferences: preferences ?? null };
  });
}
