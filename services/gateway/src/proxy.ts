import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { Agent, type Dispatcher } from 'undici';
import { problem, requestContext, type Logger, type Metrics } from '@versaai/kernel';
import type { Upstreams } from '@versaai/runtime';
import { defaultProxySettings, type ProxySettings } from './gateway-config.ts';
import type { GatewayRoute } from './route-table.ts';
import { noReplicaProblem, upstreamProblem } from './upstream-errors.ts';
import { forwardedBody, forwardedHeaders, hasDotSegment, relayHeaders } from './proxy-messages.ts';
import { startActiveHealth } from './upstream/active-health.ts';
import type { Replica } from './upstream/replica.ts';
import { classifyFailure, isIdempotent } from './upstream/retry-policy.ts';
import { createServicePool, type ServicePool } from './upstream/service-pool.ts';
import { callUpstream } from './upstream/upstream-call.ts';
import { registerUpstreamMetrics, type RecordOutcome } from './upstream/upstream-metrics.ts';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export interface ProxyOptions {
  settings?: ProxySettings;
  logger: Logger;
  metrics?: Metrics;
}

function upstreamAgent(settings: ProxySettings): Agent {
  return new Agent({
    // Keep-alive pools per upstream origin; idle sockets are kept long enough to be reused under load.
    connections: 128, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000,
    // An https upstream must prove who it is (a private CA goes in NODE_EXTRA_CA_CERTS).
    connect: { timeout: settings.connectTimeoutMs, rejectUnauthorized: true },
  });
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

  const agent = upstreamAgent(settings);
  app.addHook('onClose', () => agent.destroy());

  await app.register(async (scope) => {
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    for (const route of routes) {
      const handler = proxyHandler(route, pools.get(route.service)!, settings, record, agent);
      for (const url of [route.prefix, `${route.prefix}/*`]) {
        // Hidden from the OpenAPI document: the gateway lists proxied prefixes itself (edge-plugins.ts).
        scope.route({ method: METHODS, url, bodyLimit: route.bodyLimit, exposeHeadRoute: false, schema: { hide: true }, handler });
      }
    }
  });
  return pools;
}

/**
 * One request: pick a replica, call it within what is left of the route's timeout; on a
 * failure before any response byte, an idempotent request tries another replica (up to
 * `retries` more). Every call is judged for the replica's breaker: a connection error, a
 * timeout or a 502/503/504 is a failure; any other answer a success.
 */
function proxyHandler(route: GatewayRoute, pool: ServicePool, settings: ProxySettings, record: RecordOutcome, agent: Dispatcher) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    // An upstream resolves `..` segments as it likes: never let a path climb out of the route's prefix.
    if (hasDotSegment(request.url)) throw problem.badRequest('BAD_REQUEST', 'The path has a ".." segment.');
    const deadline = Date.now() + route.timeoutMs;
    const tried = new Set<Replica>();
    const mayRetry = isIdempotent(request.method);
    const context = requestContext.get();
    const body = forwardedBody(request);

    const attempt = (replica: Replica): FastifyReply => {
      tried.add(replica);
      const lease = replica.acquire();
      const cancel = callUpstream(agent, {
        origin: replica.origin,
        path: request.url,
        method: request.method as Dispatcher.HttpMethod,
        headers: forwardedHeaders(request, replica.host, context?.correlationId, body?.contentType),
        body: body?.payload,
        timeoutMs: Math.max(1, deadline - Date.now()),
      }, {
        onHead: (statusCode) => {
          const failing = isFailingStatus(statusCode);
          lease.settle(failing ? 'failure' : 'success');
          record(route.service, failing ? 'upstream_error' : 'ok');
        },
        onBody: (statusCode, headers, answer) => {
          if (reply.sent || reply.raw.destroyed) {
            if (!Buffer.isBuffer(answer)) answer.destroy();
            return;
          }
          // undici accepts any three digits; Fastify only 100–599.
          if (statusCode > 599) {
            request.log.warn({ service: route.service, statusCode }, 'upstream answered an invalid status');
            if (!Buffer.isBuffer(answer)) answer.destroy();
            reply.send(upstreamProblem(route.service, 'other'));
            return;
          }
          relayHeaders(headers, reply);
          // The client's body was not read to its end: this connection cannot carry another request.
          if (!request.raw.complete) reply.header('connection', 'close');
          reply.code(statusCode).send(answer);
        },
        onBodyError: (error) => {
          request.log.warn({ err: error, service: route.service }, 'upstream body failed');
          if (!reply.sent) reply.send(upstreamProblem(route.service, classifyFailure(error)));
        },
        onError: (error) => {
          const kind = classifyFailure(error);
          lease.settle('failure');
          lease.release();
          record(route.service, kind === 'connect' ? 'connect_error' : kind === 'timeout' ? 'timeout' : 'error');
          request.log.warn({ err: error, service: route.service, replica: replica.origin, attempt: tried.size }, 'upstream call failed');
          if (reply.sent || reply.raw.destroyed) return;
          const next = kind === 'connect' && mayRetry && tried.size <= settings.retries && Date.now() < deadline ? pool.pick(tried) : undefined;
          if (next) {
            attempt(next);
            return;
          }
          reply.send(upstreamProblem(route.service, kind));
        },
      });
      // In flight until the answer has been relayed or the client went away (streams count);
      // a client that goes away first cancels the call.
      reply.raw.once('close', () => {
        cancel();
        lease.settle('neutral');
        lease.release();
      });
      return reply;
    };

    const first = pool.pick();
    if (!first) {
      record(route.service, 'unavailable');
      throw noReplicaProblem(route.service, pool.retryAfterSeconds());
    }
    return attempt(first);
  };
}
