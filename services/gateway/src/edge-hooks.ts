import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Identity } from '@versaai/identity';
import type { GatewayRoute } from './route-table.ts';
import { matchRoute } from './match-route.ts';
import type { EdgeAuthenticate } from './edge-auth.ts';
import { enforceRateLimit, rateLimitVerdict, type EdgeLimit } from './rate-limiter.ts';

/** Whom a request is counted against: the API key or user of a verified token, else the address. */
export function rateLimitClient(request: FastifyRequest, identity: Identity | undefined): string {
  if (!identity) return `ip:${request.ip}`;
  return identity.kind === 'api_key' ? `key:${identity.sessionId}` : `user:${identity.userId}`;
}

/**
 * The edge's rules for every request under a table route, in-process or proxied alike:
 * authenticate (one verification per request), then count it against its budget. A request
 * whose token fails is counted against its address first, so a flood of forged tokens is
 * throttled like any other anonymous traffic.
 */
export function addEdgeHooks(app: FastifyInstance, table: readonly GatewayRoute[], deps: { authenticate: EdgeAuthenticate; limit: EdgeLimit }): void {
  app.addHook('onRequest', async (request, reply) => {
    const route = matchRoute(table, request.url.split('?', 1)[0]!);
    if (!route) return;
    let identity: Identity | undefined;
    try {
      identity = await deps.authenticate(request, route);
    } catch (error) {
      await enforceRateLimit(deps.limit, route.rateLimit, rateLimitClient(request, undefined));
      throw error;
    }
    // Awaited here rather than through enforceRateLimit: one promise less on every request.
    const headers = rateLimitVerdict(await deps.limit(route.rateLimit, rateLimitClient(request, identity)));
    if (headers) reply.headers(headers);
  });
}
