import type { FastifyInstance } from 'fastify';
import { problem } from '@versaai/kernel';
import type { ServiceContext } from '@versaai/runtime';
import { profileSchema } from '../profile.ts';
import { profilesRepository } from '../profiles-repository.ts';

// Open in the skeleton so the registration flow can be observed end to end; the identity
// issue marks /api/users as 'required' in the gateway's route table and checks the token here.
export async function getProfileRoute(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  app.get<{ Params: { id: string } }>('/:id', {
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } },
      response: { 200: profileSchema },
    },
  }, async (request) => {
    const profile = await profilesRepository.findById(ctx.db, request.params.id);
    if (!profile) throw problem.notFound('USER_NOT_FOUND', 'No user has this id.');
    return profile;
  });
}
