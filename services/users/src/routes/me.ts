import type { FastifyInstance } from 'fastify';
import { authenticate } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import { refuseDisabled } from '../account-status.ts';
import { meSchema, type MeDocument } from '../me.ts';
import { mePatchSchema, type MePatch } from '../me-patch.ts';
import { getMe, patchMe, readMe, userNotFound } from '../me-service.ts';
import { userIdParams } from '../profile.ts';

const JSON_UTF8 = 'application/json; charset=utf-8';
const jsonOf = new WeakMap<MeDocument, string>();

/** The caller's own profile and preferences; nobody reads or writes another user's here. */
export async function meRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  // Authentication runs first (onRequest): an anonymous caller learns nothing, not even which fields are invalid.
  app.get('/me', {
    onRequest: authenticate({ scope: 'users:read' }),
    schema: { response: { 200: meSchema } },
  }, (request, reply) => {
    const me = readMe(ctx, request.identity!.userId);
    if (me instanceof Promise) return me;
    // Serialized by this route's own serializer, as Fastify would: the same bytes, built once
    // per document the users cache hands out again (the same frozen object until it changes).
    let json = jsonOf.get(me);
    if (json === undefined) {
      json = reply.serialize(me) as string;
      jsonOf.set(me, json);
    }
    // Sent here and nothing returned: Fastify would send any other non-promise result (even the reply) again.
    reply.type(JSON_UTF8).send(json);
    return undefined;
  });

  app.patch<{ Body: MePatch }>('/me', {
    onRequest: authenticate({ scope: 'users:write' }),
    schema: { body: mePatchSchema, response: { 200: meSchema } },
  }, async (request) => {
    return patchMe(ctx, request.identity!.userId, request.body);
  });

  // Kept for clients that address the profile by id: only their own id exists for them. Any
  // other id answers exactly like an id nobody has (404), so ids cannot be probed (no IDOR).
  app.get<{ Params: { id: string } }>('/:id', {
    onRequest: authenticate({ scope: 'users:read' }),
    schema: { params: userIdParams, response: { 200: meSchema } },
  }, async (request) => {
    if (request.params.id !== request.identity!.userId) throw userNotFound();
    const me = await getMe(ctx, request.params.id);
    refuseDisabled(me.status);
    return me;
  });
}
