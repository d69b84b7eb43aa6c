import type { FastifyInstance } from 'fastify';
import { authenticate } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import { exportUserData } from './user-data.ts';

const string = { type: 'string' } as const;
const integer = { type: 'integer' } as const;
const number = { type: 'number' } as const;

function objectOf<const P extends Record<string, unknown>>(properties: P) {
  return { type: 'object', required: Object.keys(properties), properties } as const;
}

const exportSchema = objectOf({
  responses: { type: 'array', items: objectOf({ id: string, conversationId: string, messageId: string, status: string, attempts: integer, createdAt: string, updatedAt: string }) },
  usage: {
    type: 'array',
    items: objectOf({
      id: string, day: string, model: string, provider: string, source: string, status: string,
      promptTokens: integer, completionTokens: integer, costUsd: number, cached: { type: 'boolean' }, createdAt: string,
    }),
  },
  quotaCounters: { type: 'array', items: objectOf({ day: string, messages: integer, tokens: integer }) },
});

/**
 * The ai service's part of the caller's data export (the gateway assembles every service's
 * part): their chat responses (ids and states), usage rows and daily quota counters.
 */
export async function privacyRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  app.get('/privacy/export', {
    onRequest: authenticate({ sessionOnly: true }),
    schema: { response: { 200: exportSchema } },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return exportUserData(ctx.db, request.identity!.userId);
  });
}
