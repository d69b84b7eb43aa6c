import type { FastifyInstance } from 'fastify';
import { authenticate, type Identity } from '@versaai/identity';
import type { ModelRegistry } from './model-registry.ts';
import { adminModels } from './admin-models.ts';
import {
  adminModelSchema, adminView, createModelBody, modelIdParams, patchModelBody, publicModelSchema, type ModelInput, type ModelPatch,
} from './model-schemas.ts';
import type { Kysely } from 'kysely';

export interface ModelRoutesOptions {
  db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  registry: ModelRegistry;
  /** The caller's plan (which models they may use). */
  planOf(identity: Identity): string | Promise<string>;
}

/**
 * GET /models: the models the caller's plan may use (the default first); /admin/models: the
 * whole registry for admins (each route checks the role itself — zero trust).
 */
export async function modelRoutes(app: FastifyInstance, opts: ModelRoutesOptions): Promise<void> {
  const { registry } = opts;
  const admin = adminModels(opts.db, registry);
  const adminOnly = { onRequest: authenticate({ roles: ['admin'], sessionOnly: true }) };
  const view = (model: Parameters<typeof adminView>[0]) => adminView(model, registry.providers);

  app.get('/models', {
    onRequest: authenticate({ scope: 'ai:use' }),
    schema: {
      response: {
        200: {
          type: 'object', required: ['items', 'defaultModel'],
          properties: { items: { type: 'array', items: publicModelSchema }, defaultModel: { type: ['string', 'null'] } },
        },
      },
    },
  }, async (request) => {
    const models = registry.available(await opts.planOf(request.identity!));
    return {
      items: models.map((model, index) => ({ ...model, default: index === 0 })),
      defaultModel: models[0]?.id ?? null,
    };
  });

  app.get('/admin/models', {
    ...adminOnly,
    schema: { response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: adminModelSchema } } } } },
  }, async () => {
    await registry.reload();
    return { items: registry.all().map(view) };
  });

  app.get<{ Params: { id: string } }>('/admin/models/:id', {
    ...adminOnly,
    schema: { params: modelIdParams, response: { 200: adminModelSchema } },
  }, async (request) => view(await admin.get(request.params.id)));

  app.post<{ Body: ModelInput }>('/admin/models', {
    ...adminOnly,
    schema: { body: createModelBody, response: { 201: adminModelSchema } },
  }, async (request, reply) => {
    const model = await admin.create(request.body);
    return reply.code(201).send(view(model));
  });

  app.patch<{ Params: { id: string }; Body: ModelPatch }>('/admin/models/:id', {
    ...adminOnly,
    schema: { params: modelIdParams, body: patchModelBody, response: { 200: adminModelSchema } },
  }, async (request) => view(await admin.update(request.params.id, request.body)));

  app.delete<{ Params: { id: string } }>('/admin/models/:id', {
    ...adminOnly,
    schema: { params: modelIdParams },
  }, async (request, reply) => {
    await admin.remove(request.params.id);
    return reply.code(204).send();
  });
}
