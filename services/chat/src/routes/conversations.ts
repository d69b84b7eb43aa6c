import type { FastifyInstance } from 'fastify';
import { authenticate } from '@versaai/identity';
import type { ChatDeps } from '../chat-deps.ts';
import {
  createConversation, deleteConversation, getConversation, listConversations, patchConversation, type ConversationPatch, type ListQuery,
} from '../conversations/conversation-service.ts';
import {
  conversationPageSchema, conversationParams, conversationSchema, conversationWithPathSchema, createConversationBody, listQuery,
  patchConversationBody, pathQuery,
} from './schemas.ts';

type IdParams = { id: string };

/** The caller's conversations. Every route verifies the token itself (zero trust); another user's id is 404. */
export async function conversationRoutes(app: FastifyInstance, deps: ChatDeps): Promise<void> {
  const read = { onRequest: authenticate({ scope: 'chat:read' }) };
  const write = { onRequest: authenticate({ scope: 'chat:write' }) };

  app.post<{ Body: { title?: string } }>('/conversations', {
    ...write,
    schema: { body: createConversationBody, response: { 201: conversationSchema } },
  }, async (request, reply) => {
    reply.code(201);
    return createConversation(deps, request.identity!.userId, request.body ?? {});
  });

  app.get<{ Querystring: ListQuery }>('/conversations', {
    ...read,
    schema: { querystring: listQuery, response: { 200: conversationPageSchema } },
  }, async (request) => listConversations(deps, request.identity!.userId, request.query));

  app.get<{ Params: IdParams; Querystring: { before?: string; limit: number } }>('/conversations/:id', {
    ...read,
    schema: { params: conversationParams, querystring: pathQuery, response: { 200: conversationWithPathSchema } },
  }, async (request) => getConversation(deps, request.identity!.userId, request.params.id, request.query));

  app.patch<{ Params: IdParams; Body: ConversationPatch }>('/conversations/:id', {
    ...write,
    schema: { params: conversationParams, body: patchConversationBody, response: { 200: conversationSchema } },
  }, async (request) => patchConversation(deps, request.identity!.userId, request.params.id, request.body));

  app.delete<{ Params: IdParams }>('/conversations/:id', {
    ...write,
    schema: { params: conversationParams },
  }, async (request, reply) => {
    await deleteConversation(deps, request.identity!.userId, request.params.id);
    return reply.code(204).send();
  });
}
