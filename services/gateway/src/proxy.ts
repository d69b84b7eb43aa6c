import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { requestContext, type Logger, type Metrics } from '@versaai/kernel';
import type { Upstreams } from '@versaai/runtime';
import { defaultProxySettings, type ProxySettings } from './gateway-config.ts';
import type { GatewayRoute } from './route-table.ts';
import { noReplicaProblem, upstreamProblem } from './upstream-errors.ts';
import { relayBody } from './relay-body.ts';
import { startActiveHealth } from './upstream/active-health.ts';
import type { Replica } from './upstream/replica.ts';
import { classifyFailure, isIdempotent } from './upstream/retry-policy.ts';
import { createServicePool, type ServicePool } from './upstream/service-pool.ts';
import { registerUpstreamMetrics, type RecordOutcome } from './upstream/upstream-metrics.ts';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export interface ProxyOptions {
  settings?: ProxySettings;
  logger: Logger;
  metrics?: Metrics;
}

function undiciOptions(settings: ProxySettings) {
  return {
    // Keep-alive pools per upstream origin; idle sockets are kept long enough to be reused under load.
    connections: 128, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000,
    // reply-from turns certificate checks off (its `tls` default); undici lets `connect` win
    // over it: an https upstream must prove who it is (a private CA goes in NODE_EXTRA_CA_CERTS).
    connect: { timeout: settings.connectTimeoutMs, rejectUnauthorized: true },
  };
}

/** 502, 503 and 504 from a replica mean the replica (or what is behind it) is failing. */
const isFailingStatus = (status: number): boolean => status >= 502 && status <= 504;

/**
 * Proxies every route of the services that run elsewhere to their replicas: one pool per
 * service with a balancer, a circuit breaker per replica and active /ready checks. JSON
 * bodies are parsed here (so body limits and INVALID_JSON apply at the edge); any other
 * content type is forwarded as raw bytes, which also makes a retry able to send it again.
 * Authentication and rate limits run before, in the edge's root hooks (edge-hooks.ts).
 */
export async function registerProxy(
  app: FastifyInstance,
  routes: readonly GatewayRoute[],
  upstreams: Upstreams,
  opts: ProxyOptions,
): Promise<ReadonlyMap<string, ServicePool>> {
  if (routes.length === 0) return new Map();
  const settings = opts.settings ?? defaultProxySettings;
  const services = [...new Set(routes.map((route) => route.service))];
  const pools = new Map<string, ServicePool>(services.map((service) => {
    const origins = upstreams[service];
    if (!origins?.length) throw new Error(`No upstream for service "${service}"`);
    return [service, createServicePool(service, origins, settings)];
  }));
  const record = registerUpstreamMetrics(opts.metrics, [...pools.values()]);
  const health = startActiveHealth({
    replicas: [...pools.values()].flatMap((pool) => pool.replicas),
    intervalMs: settings.healthIntervalMs,
    timeoutMs: settings.healthTimeoutMs,
    logger: opts.logger.child({ component: 'upstream-health' }),
  });
  app.addHook('onClose', () => health.stop());

  await app.register(async (scope) => {
    await scope.register(replyFrom, { undici: undiciOptions(settings), retryMethods: [], disableRequestLogging: true });
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    for (const route of routes) {
      const handler = proxyHandler(route, pools.get(route.service)!, settings, record);
      for (const url of [route.prefix, `${route.prefix}/*`]) {
        // Hidden from the OpenAPI document: the gateway lists proxied prefixes itself (edge-plugins.ts).
        scope.route({ method: METHODS, url, bodyLimit: route.bodyLimit, exposeHeadRoute: false, schema: { hide: true }, handler });
      }
    }
  });
  return pools;
}

/** `headers` is reply-from's own copy of the client's headers (made for this call): set in place, not copied again. */
function forwardedHeaders(request: FastifyRequest, headers: Record<string, unknown>) {
  const context = requestContext.get();
  headers['x-request-id'] = String(request.id);
  if (context) headers['x-correlation-id'] = context.correlationId;
  // The gateway is the edge and trusts no client-sent X-Forwarded-For: it states the peer it saw.
  headers['x-forwarded-for'] = request.ip;
  return headers;
}

/**
 * One request: pick a replica, call it within what is left of the route's timeout; on a
 * failure before any response byte, an idempotent request tries another replica (up to
 * `retries` more). Every call is judged for the replica's breaker: a connection error, a
 * timeout or a 502/503/504 is a failure; any other answer a success.
 */
function proxyHandler(route: GatewayRoute, pool: ServicePool, settings: ProxySettings, record: RecordOutcome) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const deadline = Date.now() + route.timeoutMs;
    const tried = new Set<Replica>();
    const mayRetry = isIdempotent(request.method);

    const attempt = (replica: Replica): FastifyReply => {
      tried.add(replica);
      const lease = replica.acquire();
      // In flight until the answer has been relayed or the client went away (streams count);
      // reply-from skips onResponse for a client that aborted, and this still frees the lease.
      reply.raw.once('close', () => {
        lease.settle('neutral');
        lease.release();
      });
      return reply.from(`${replica.origin}${request.url}`, {
        timeout: Math.max(1, deadline - Date.now()),
        rewriteRequestHeaders: (_original, headers) => forwardedHeaders(request, headers),
        onResponse: (_request, upstreamReply, response) => {
          const failing = isFailingStatus(response.statusCode);
          lease.settle(failing ? 'failure' : 'success');
          record(route.service, failing ? 'upstream_error' : 'ok');
          relayBody(request, upstreamReply, response, route.service);
        },
        onError: (failedReply, { error }) => {
          const kind = classifyFailure(error);
          lease.settle('failure');
          lease.release();
          record(route.service, kind === 'connect' ? 'connect_error' : kind === 'timeout' ? 'timeout' : 'error');
          request.log.warn({ err: error, service: route.service, replica: replica.origin, attempt: tried.size }, 'upstream call failed');
          if (failedReply.sent) return;
          const next = kind === 'connect' && mayRetry && tried.size <= settings.retries && Date.now() < deadline ? pool.pick(tried) : undefined;
          if (next) {
            attempt(next);
            return;
          }
          failedReply.send(upstreamProblem(route.service, kind));
        },
      });
    };

    const first = pool.pick();
    if (!first) {
      record(route.service, 'unavailable');
      throw noReplicaProblem(route.service, pool.retryAfterSeconds());
    }
    return attempt(first);
  };
}
