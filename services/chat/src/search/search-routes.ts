import type { FastifyInstance } from 'fastify';
import { authenticate } from '@versaai/identity';
import { ProblemError } from '@versaai/kernel';
import type { ServiceContext } from '@versaai/runtime';
import { decodeSearchCursor, encodeSearchCursor } from './search-cursor.ts';
import { parseSearchQuery } from './search-query.ts';
import { messageSearchRepository } from './search-repository.ts';

// Longer than any URL the edge accepts: a long query is trimmed to its first terms, not refused.
const MAX_QUERY_LENGTH = 16_384;

const searchQuery = {
  type: 'object',
  required: ['q'],
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: MAX_QUERY_LENGTH },
    limit: { type: 'integer', minimum: 1, maximum: 50, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const hitSchema = {
  type: 'object',
  required: ['conversationId', 'conversationTitle', 'messageId', 'role', 'snippet', 'rank', 'createdAt'],
  properties: {
    conversationId: { type: 'string' },
    conversationTitle: { type: ['string', 'null'] },
    messageId: { type: 'string' },
    role: { type: 'string' },
    snippet: { type: 'string' },
    rank: { type: 'number' },
    createdAt: { type: 'string' },
  },
} as const;

const pageSchema = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: hitSchema }, nextCursor: { type: ['string', 'null'] } },
} as const;

function nothingToSearch(): ProblemError {
  return new ProblemError({
    status: 400, code: 'CHAT_SEARCH_QUERY_INVALID', detail: 'The search has no word to look for (only letters and digits are searched).',
  });
}

/** GET /search: the caller's messages that match `q`, best first, with highlighted snippets. */
export async function searchRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  app.get<{ Querystring: { q: string; limit: number; cursor?: string } }>('/search', {
    onRequest: authenticate({ scope: 'chat:read' }),
    schema: { querystring: searchQuery, response: { 200: pageSchema } },
  }, async (request, reply) => {
    const terms = parseSearchQuery(request.query.q);
    if (terms.length === 0) throw nothingToSearch();
    const offset = decodeSearchCursor(request.query.cursor);
    const { limit } = request.query;
    const page = await messageSearchRepository.search(ctx.database, request.identity!.userId, terms, { limit, offset });
    reply.header('cache-control', 'no-store');
    return { items: page.hits, nextCursor: page.hasMore ? encodeSearchCursor(offset + limit) : null };
  });
}
