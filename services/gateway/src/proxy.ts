import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { requestContext } from '@versaai/kernel';
import type { Upstreams } from '@versaai/runtime';
import type { GatewayRoute } from './route-table.ts';
import { addRateLimitHook, type EdgeLimit } from './rate-limiter.ts';
import { roundRobin } from './round-robin.ts';
import { upstreamProblem } from './upstream-errors.ts';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

// Keep-alive pools per upstream origin; idle sockets are kept long enough to be reused under load.
const UNDICI_OPTIONS = { connections: 128, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 };

/**
 * Proxies every route of the services that run elsewhere to their replicas, round-robin.
 * JSON bodies are parsed here (so body limits and INVALID_JSON apply at the edge); any other
 * content type is forwarded as raw bytes.
 */
export async function registerProxy(
  app: FastifyInstance,
  routes: readonly GatewayRoute[],
  upstreams: Upstreams,
  limit: EdgeLimit,
): Promise<void> {
  if (routes.length === 0) return;
  await app.register(async (scope) => {
    addRateLimitHook(scope, routes, limit);
    await scope.register(replyFrom, { undici: UNDICI_OPTIONS, retryMethods: [], disableRequestLogging: true });
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    const pickers = new Map(Object.entries(upstreams).map(([service, urls]) => [service, roundRobin(urls)]));
    for (const route of routes) {
      const next = pickers.get(route.service);
      if (!next) throw new Error(`No upstream for service "${route.service}"`);
      const handler = async (request: FastifyRequest, reply: FastifyReply) => {
        const target = `${next()}${request.url}`;
        return reply.from(target, {
          timeout: route.timeoutMs,
          rewriteRequestHeaders: (_original, headers) => {
            const context = requestContext.get();
            return {
              ...headers,
              'x-request-id': String(request.id),
              ...(context ? { 'x-correlation-id': context.correlationId } : {}),
              // The gateway is the edge and trusts no client-sent X-Forwarded-For: it states the peer it saw.
              'x-forwarded-for': request.ip,
            };
          },
          onError: (failedReply, { error }) => {
            request.log.warn({ err: error, service: route.service }, 'upstream call failed');
            failedReply.send(upstreamProblem(route.service, error));
          },
        });
      };
      for (const url of [route.prefix, `${route.prefix}/*`]) {
        scope.route({ method: METHODS, url, bodyLimit: route.bodyLimit, exposeHeadRoute: false, handler });
      }
    }
  });
}
