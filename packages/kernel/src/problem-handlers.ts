import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, ProblemError, toProblemBody } from './errors.ts';

interface ValidationItem {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

// Codes for errors Fastify raises itself; the clients rely on these staying stable.
const FASTIFY_CODES: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON', detail: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', detail: 'The request body is empty but JSON was declared.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', detail: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The request content type is not supported.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'INVALID_CONTENT_LENGTH', detail: 'The content-length header does not match the body.' },
};

// Client errors of other origins (plugins, http-errors) keep their status with a generic code.
const CODES_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE', 408: 'REQUEST_TIMEOUT', 409: 'CONFLICT', 410: 'GONE', 411: 'LENGTH_REQUIRED',
  413: 'PAYLOAD_TOO_LARGE', 414: 'URI_TOO_LONG', 415: 'UNSUPPORTED_MEDIA_TYPE', 422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS', 431: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
};

function validationPath(context: string | undefined, item: ValidationItem): string {
  const segments = (item.instancePath ?? '').split('/').filter((segment) => segment.length > 0);
  const missing = item.params?.missingProperty;
  if (item.keyword === 'required' && typeof missing === 'string') segments.push(missing);
  const additional = item.params?.additionalProperty;
  if (item.keyword === 'additionalProperties' && typeof additional === 'string') segments.push(additional);
  return [context ?? 'body', ...segments].join('.');
}

function validationProblem(error: FastifyError): ProblemError {
  const items = (error.validation ?? []) as ValidationItem[];
  const errors = items.map((item) => ({
    path: validationPath(error.validationContext, item),
    message: item.message ?? 'is invalid',
  }));
  return new ProblemError({ status: 400, code: 'VALIDATION_FAILED', detail: 'The request is invalid.', extensions: { errors } });
}

/** Turns any thrown value into the problem the client may see; null means "internal, hide it". */
export function classifyError(error: unknown): ProblemError | null {
  if (error instanceof ProblemError) return error;
  if (!(error instanceof Error)) return null;
  const fastifyError = error as FastifyError;
  if (Array.isArray(fastifyError.validation)) return validationProblem(fastifyError);
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return new ProblemError(known);
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ProblemError({ status, code: CODES_BY_STATUS[status] ?? 'BAD_REQUEST', detail: error.message });
  }
  return null;
}

function requestPath(request: FastifyRequest): string {
  // The query string can carry tokens; the path alone identifies the occurrence.
  const url = request.url;
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: ProblemError): FastifyReply {
  const body = toProblemBody(error, { instance: requestPath(request), requestId: String(request.id) });
  if (error.headers) reply.headers(error.headers);
  // Pre-serialized so a route's response schema for this status cannot reshape the problem.
  return reply.code(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

const INTERNAL = new ProblemError({ status: 500, code: 'INTERNAL_ERROR', detail: undefined });

export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const client = classifyError(error);
    if (client === null) {
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(request, reply, INTERNAL);
    }
    // A deliberate 5xx (not ready, shutting down) is worth a warning, not an error report.
    if (client.status >= 500) request.log.warn({ code: client.code, status: client.status }, client.detail ?? client.title);
    else request.log.info({ code: client.code, status: client.status }, client.detail ?? client.title);
    return sendProblem(request, reply, client);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new ProblemError({
      status: 404, code: 'NOT_FOUND', detail: `No route for ${request.method} ${requestPath(request)}.`,
    })));
}
