import Fastify, { LogController } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { requestContext } from './context.ts';
import { problem } from './errors.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { installProblemHandlers } from './problem-handlers.ts';
import { requestLogger } from './request-logger.ts';
import { registerProbes } from './probes.ts';
import { installStrictJsonParser } from './strict-json.ts';
import { installStrictValidation } from './strict-validation.ts';
import type { ReadinessCheck } from './probes.ts';
import { CORRELATION_ID_HEADER, REQUEST_ID_HEADER, correlationIdOf, requestIdOf } from './request-id.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** `x-correlation-id` of the request when sane, else its request id. */
    correlationId: string;
  }
}

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  metrics: Metrics;
  readiness?: ReadinessCheck[];
  bodyLimit?: number;
  trustProxy?: boolean;
  /** Time each readiness check may take before /ready reports it as timed out (default 2000). */
  readinessTimeoutMs?: number;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

/**
 * A Fastify app with the platform's edge behaviour, not listening yet: request and correlation
 * ids, request context, JSON request logs, problem+json errors, metrics and the probes.
 */
export function createHttpApp(opts: HttpAppOptions): FastifyInstance {
  // The cast widens the pino-typed instance to the plain FastifyInstance every plugin expects.
  const app = Fastify({
    loggerInstance: opts.logger.child({ component: 'http' }),
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: opts.trustProxy ?? false,
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: requestIdOf,
    // Fastify's own closing 503 is plain JSON; the onRequest hook below answers problem+json instead.
    return503OnClosing: false,
    childLoggerFactory: (logger, bindings, childOptions, raw) => requestLogger(logger as Logger, bindings, childOptions, raw),
  }) as unknown as FastifyInstance;

  app.decorateRequest('correlationId', '');
  installStrictJsonParser(app);
  installStrictValidation(app);

  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  app.addHook('onRequest', (request, reply, done) => {
    request.correlationId = correlationIdOf(request.raw, request.id);
    reply.header(REQUEST_ID_HEADER, request.id);
    reply.header(CORRELATION_ID_HEADER, request.correlationId);
    if (closing) {
      // Requests arriving on kept-alive connections while draining go elsewhere (load balancer retry).
      reply.header('connection', 'close');
      done(problem.serviceUnavailable('SHUTTING_DOWN', 'The server is shutting down; retry on another instance.'));
      return;
    }
    // A NUL byte is never part of a legitimate path or query value, and PostgreSQL refuses it in
    // text (22021): refuse it here once, instead of in every route that passes an id to a query.
    if (request.url.includes('%00')) {
      done(problem.badRequest('INVALID_REQUEST_TARGET', 'The request path or query contains a NUL byte.'));
      return;
    }
    // Everything after this hook runs inside the context: Fastify carries the async scope across
    // body parsing (AsyncResource), so route handlers see it too (tested over a real socket).
    requestContext.run({ requestId: request.id, correlationId: request.correlationId }, done);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    opts.metrics.httpDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  installProblemHandlers(app);
  registerProbes(app, {
    metrics: opts.metrics,
    readiness: opts.readiness ?? [],
    readinessTimeoutMs: opts.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS,
  });
  return app;
}
