import type { FastifyInstance } from 'fastify';
import { authenticate } from '@versaai/identity';
import type { ChatDeps } from '../chat-deps.ts';
import { conversationsRepository } from '../conversations/conversations-repository.ts';
import { messagesRepository } from '../messages/messages-repository.ts';
import { conversationSchema, messageSchema } from './schemas.ts';

const exportSchema = {
  type: 'object',
  required: ['conversations', 'messages'],
  properties: { conversations: { type: 'array', items: conversationSchema }, messages: { type: 'array', items: messageSchema } },
} as const;

/**
 * The chat service's part of the caller's data export (the gateway assembles every service's
 * part): every conversation and message of theirs, every branch included, as stored.
 */
export async function privacyRoutes(app: FastifyInstance, deps: ChatDeps): Promise<void> {
  app.get('/privacy/export', {
    onRequest: authenticate({ sessionOnly: true }),
    schema: { response: { 200: exportSchema } },
  }, async (request, reply) => {
    const userId = request.identity!.userId;
    const [conversations, messages] = await Promise.all([conversationsRepository.listAll(deps.db, userId), messagesRepository.listAll(deps.db, userId)]);
    reply.header('cache-control', 'no-store');
    return { conversations, messages };
  });
}
