import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate, ROLES, type Role } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import { refuseDisabled } from '../account-status.ts';
import { changeUser, getUser, listUsers, type ListQuery } from '../admin-service.ts';
import { profileSchema, userIdParams, USER_STATUSES } from '../profile.ts';
import { profilesRepository } from '../profiles-repository.ts';

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 100 },
    status: { type: 'string', enum: [...USER_STATUSES] },
    role: { type: 'string', enum: [...ROLES] },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const pageSchema = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: profileSchema }, nextCursor: { type: ['string', 'null'] } },
} as const;

const roleBody = {
  type: 'object',
  required: ['role'],
  additionalProperties: false,
  properties: { role: { type: 'string', enum: [...ROLES] } },
} as const;

/**
 * User administration under /admin (the gateway requires the admin role there too). Each route
 * checks the role itself (zero trust) and refuses an admin whose own account is disabled.
 */
export async function adminRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const activeCaller = async (request: FastifyRequest) => {
    refuseDisabled((await profilesRepository.findById(ctx.db, request.identity!.userId))?.status);
  };
  const read = { onRequest: authenticate({ roles: ['admin'], scope: 'users:read' }), preHandler: activeCaller };
  const write = { onRequest: authenticate({ roles: ['admin'], scope: 'users:write' }), preHandler: activeCaller };

  app.get<{ Querystring: ListQuery }>('/admin/users', {
    ...read,
    schema: { querystring: listQuery, response: { 200: pageSchema } },
  }, async (request) => listUsers(ctx, request.query));

  app.get<{ Params: { id: string } }>('/admin/users/:id', {
    ...read,
    schema: { params: userIdParams, response: { 200: profileSchema } },
  }, async (request) => getUser(ctx, request.params.id));

  app.post<{ Params: { id: string } }>('/admin/users/:id/disable', {
    ...write,
    schema: { params: userIdParams, response: { 200: profileSchema } },
  }, async (request) => changeUser(ctx, request.identity!.userId, request.params.id, { status: 'disabled' }));

  app.post<{ Params: { id: string } }>('/admin/users/:id/enable', {
    ...write,
    schema: { params: userIdParams, response: { 200: profileSchema } },
  }, async (request) => changeUser(ctx, request.identity!.userId, request.params.id, { status: 'active' }));

  app.patch<{ Params: { id: string }; Body: { role: Role } }>('/admin/users/:id/role', {
    ...write,
    schema: { params: userIdParams, body: roleBody, response: { 200: profileSchema } },
  }, async (request) => changeUser(ctx, request.identity!.userId, request.params.id, { role: request.body.role }));
}
