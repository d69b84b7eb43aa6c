import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Identity } from '@versaai/identity';
import type { GatewayRoute } from './route-table.ts';
import { pathOf, routeMatcher } from './match-route.ts';
import type { EdgeAuthenticate } from './edge-auth.ts';
import type { RateLimitResult } from '@versaai/storage';
import { enforceRateLimit, rateLimitVerdict, setRateLimitHeaders, type EdgeLimit } from './rate-limiter.ts';

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
 *
 * When the token was verified before and the revocation list and limiter live in this process
 * (the all-in-one), the hook decides at once: no promise, no microtask hop. Otherwise it waits
 * for them; both paths take the same decisions (tested on both).
 */
export function addEdgeHooks(app: FastifyInstance, table: readonly GatewayRoute[], deps: { authenticate: EdgeAuthenticate; limit: EdgeLimit }): void {
  const match = routeMatcher(table);
  const { authenticate, limit } = deps;
  const limitNow = limit.now;

  /** Counts the request at once; throws 429 when over budget, else returns what was counted (undefined: not counted). */
  function countNow(request: FastifyRequest, route: GatewayRoute, identity: Identity | undefined): RateLimitResult | undefined {
    const result = limitNow!(route.rateLimit, rateLimitClient(request, identity));
    if (result && !result.allowed) rateLimitVerdict(result);
    return result;
  }

  async function decideLater(request: FastifyRequest, reply: FastifyReply, route: GatewayRoute): Promise<void> {
    let identity: Identity | undefined;
    try {
      identity = await authenticate(request, route);
    } catch (error) {
      await enforceRateLimit(limit, route.rateLimit, rateLimitClient(request, undefined));
      throw error;
    }
    // Awaited here rather than through enforceRateLimit: one promise less on every request.
    const headers = rateLimitVerdict(await limit(route.rateLimit, rateLimitClient(request, identity)));
    if (headers) reply.headers(headers);
  }

  app.addHook('onRequest', (request, reply, done) => {
    const route = match(pathOf(request.url));
    if (!route) {
      done();
      return;
    }
    if (limitNow) {
      let decided: { identity: Identity | undefined } | undefined;
      try {
        decided = authenticate.now(request, route);
      } catch (error) {
        try {
          // As in decideLater: the failed request is counted, its answer is the auth problem.
          countNow(request, route, undefined);
        } catch (limited) {
          done(limited as Error);
          return;
        }
        done(error as Error);
        return;
      }
      if (decided) {
        try {
          const counted = countNow(request, route, decided.identity);
          // Set one by one: no headers object built and walked on every request.
          if (counted) setRateLimitHeaders(reply, counted);
        } catch (limited) {
          done(limited as Error);
          return;
        }
        done();
        return;
      }
    }
    decideLater(request, reply, route).then(() => done(), done);
  });
}
