import type { FastifyInstance } from 'fastify';
import { authenticate } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import { conversationNotFound } from '../problems.ts';
import { isPlausibleId } from './plausible-id.ts';
import { parseShareConfig } from './share-config.ts';
import { shareNotFound } from './share-problems.ts';
import { createShare } from './share-service.ts';
import { sharesRepository, type Share } from './shares-repository.ts';

/** The most share links GET /shares lists (newest first). */
const MAX_LISTED_SHARES = 500;

const conversationParams = {
  type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

// Any text: an id that is not a share is an unknown share (404), not a malformed request.
const shareParams = {
  type: 'object', required: ['shareId'], additionalProperties: false, properties: { shareId: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

// Nothing to send: a bodiless POST is validated as `{}`, so a field sent by mistake is still refused.
const emptyBody = { type: 'object', additionalProperties: false, properties: {} } as const;

const shareSchema = {
  type: 'object',
  required: ['shareId', 'url', 'conversationId', 'title', 'messageCount', 'createdAt'],
  properties: {
    shareId: { type: 'string' }, url: { type: 'string' }, conversationId: { type: 'string' }, title: { type: ['string', 'null'] },
    messageCount: { type: 'integer' }, createdAt: { type: 'string' },
  },
} as const;

const publicShareSchema = {
  type: 'object',
  required: ['title', 'sharedAt', 'messages'],
  properties: {
    title: { type: ['string', 'null'] },
    sharedAt: { type: 'string' },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['role', 'content', 'model', 'status', 'createdAt'],
        properties: { role: { type: 'string' }, content: { type: 'string' }, model: { type: ['string', 'null'] }, status: { type: 'string' }, createdAt: { type: 'string' } },
      },
    },
  },
} as const;

/**
 * Share links: create (a snapshot of the active branch), list and revoke mine — and the
 * public view under /shared, which needs no login (the gateway routes /api/chat/shared as public).
 */
export async function shareRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const config = parseShareConfig(ctx.env);
  const withUrl = (share: Share) => ({ ...share, url: config.shareUrl(share.shareId) });

  app.post<{ Params: { id: string } }>('/conversations/:id/shares', {
    onRequest: authenticate({ scope: 'chat:write' }),
    preValidation: async (request) => {
      if (request.body === undefined) request.body = {};
    },
    schema: { params: conversationParams, body: emptyBody, response: { 201: shareSchema } },
  }, async (request, reply) => {
    const share = isPlausibleId(request.params.id) ? await createShare(ctx, request.identity!.userId, request.params.id) : undefined;
    if (!share) throw conversationNotFound();
    reply.code(201).header('location', config.shareUrl(share.shareId));
    return withUrl(share);
  });

  app.get('/shares', {
    onRequest: authenticate({ scope: 'chat:read' }),
    schema: { response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: shareSchema } } } } },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { items: (await sharesRepository.listByUser(ctx.db, request.identity!.userId, MAX_LISTED_SHARES)).map(withUrl) };
  });

  app.delete<{ Params: { shareId: string } }>('/shares/:shareId', {
    onRequest: authenticate({ scope: 'chat:write' }),
    schema: { params: shareParams },
  }, async (request, reply) => {
    const { shareId } = request.params;
    if (!isPlausibleId(shareId) || !(await sharesRepository.delete(ctx.db, request.identity!.userId, shareId))) throw shareNotFound();
    return reply.code(204).send();
  });

  app.get<{ Params: { shareId: string } }>('/shared/:shareId', {
    schema: { params: shareParams, response: { 200: publicShareSchema } },
  }, async (request, reply) => {
    const share = isPlausibleId(request.params.shareId) ? await sharesRepository.findPublic(ctx.db, request.params.shareId) : undefined;
    if (!share) throw shareNotFound();
    // Revocable: no cache may keep serving it. The link itself is the secret: keep it out of
    // Referer headers and search engines.
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('x-robots-tag', 'noindex, nofollow');
    return share;
  });
}
