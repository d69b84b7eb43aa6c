import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '@versaai/identity';
import type { ChatDeps } from '../chat-deps.ts';
import { switchBranch } from '../messages/branch.ts';
import { cancelResponse } from '../messages/cancel.ts';
import { editMessage, regenerateResponse, sendMessage, type EditBody, type RegenerateBody, type SendBody } from '../messages/exchange.ts';
import {
  activeBranchBody, cancelAcceptedSchema, conversationParams, conversationWithPathSchema, editBody, messageParams, regenerateBody,
  responseParams, sendAcceptedSchema, sendBody,
} from './schemas.ts';

/** A bodiless POST (nothing to change) is validated as `{}`; an explicit JSON null still fails the schema. */
async function bodyOptional(request: FastifyRequest): Promise<void> {
  if (request.body === undefined) request.body = {};
}

/**
 * Sending, editing, regenerating and stopping answers, and choosing the branch. Sends answer
 * 202: the answer is produced by the AI service and arrives on the response stream.
 */
export async function messageRoutes(app: FastifyInstance, deps: ChatDeps): Promise<void> {
  const write = { onRequest: authenticate({ scope: 'chat:write' }) };

  app.post<{ Params: { id: string }; Body: SendBody }>('/conversations/:id/messages', {
    ...write,
    schema: { params: conversationParams, body: sendBody, response: { 202: sendAcceptedSchema } },
  }, async (request, reply) => {
    reply.code(202);
    return sendMessage(deps, request.identity!.userId, request.params.id, request.body);
  });

  app.post<{ Params: { id: string; messageId: string }; Body: EditBody }>('/conversations/:id/messages/:messageId/edit', {
    ...write,
    schema: { params: messageParams, body: editBody, response: { 202: sendAcceptedSchema } },
  }, async (request, reply) => {
    reply.code(202);
    return editMessage(deps, request.identity!.userId, request.params.id, request.params.messageId, request.body);
  });

  app.post<{ Params: { id: string; responseId: string }; Body: RegenerateBody }>('/conversations/:id/responses/:responseId/regenerate', {
    ...write,
    preValidation: bodyOptional,
    schema: { params: responseParams, body: regenerateBody, response: { 202: sendAcceptedSchema } },
  }, async (request, reply) => {
    reply.code(202);
    return regenerateResponse(deps, request.identity!.userId, request.params.id, request.params.responseId, request.body);
  });

  app.post<{ Params: { id: string; responseId: string } }>('/conversations/:id/responses/:responseId/cancel', {
    ...write,
    schema: { params: responseParams, response: { 202: cancelAcceptedSchema } },
  }, async (request, reply) => {
    reply.code(202);
    return cancelResponse(deps, request.identity!.userId, request.params.id, request.params.responseId);
  });

  app.put<{ Params: { id: string }; Body: { messageId: string } }>('/conversations/:id/active-branch', {
    ...write,
    schema: { params: conversationParams, body: activeBranchBody, response: { 200: conversationWithPathSchema } },
  }, async (request) => switchBranch(deps, request.identity!.userId, request.params.id, request.body.messageId));
}
