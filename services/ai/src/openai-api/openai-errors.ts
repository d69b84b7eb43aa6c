import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { classifyError, type ProblemError } from '@versaai/kernel';

/** OpenAI's error body: the `openai` SDK reads `error.message`, `type` and `code` from it. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

function typeFor(status: number, code: string): string {
  if (code === 'AI_QUOTA_EXCEEDED') return 'insufficient_quota';
  if (status === 401) return 'invalid_request_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** OpenAI's own code where clients branch on it; VersaAI's stable code otherwise. */
function codeFor(problem: ProblemError): string {
  if (problem.status === 401) return 'invalid_api_key';
  if (problem.code === 'AI_MODEL_UNKNOWN') return 'model_not_found';
  return problem.code;
}

function paramOf(problem: ProblemError): string | null {
  const errors = problem.extensions?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const path = (errors[0] as { path?: unknown }).path;
  return typeof path === 'string' ? path.replace(/^body\.?/, '') || null : null;
}

export function toOpenAiError(problem: ProblemError): OpenAiErrorBody {
  const errors = problem.extensions?.errors;
  const detail = Array.isArray(errors) && errors.length > 0
    ? `${problem.detail ?? problem.title} ${(errors as { path: string; message: string }[]).map((item) => `${item.path} ${item.message}`).join('; ')}`
    : problem.detail ?? problem.title;
  return { error: { message: detail, type: typeFor(problem.status, problem.code), param: paramOf(problem), code: codeFor(problem) } };
}

/**
 * The /v1 scope's error handler: the same classification as the rest of the platform (bad
 * input is 4xx, internals are hidden), rendered in OpenAI's shape with the same status.
 */
export function sendOpenAiError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = classifyError(error);
  if (problem === null) {
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).type('application/json').send(JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: 'INTERNAL_ERROR' } }));
  }
  if (problem.headers) reply.headers(problem.headers);
  // Out of quota until tomorrow: tell the SDK not to retry (it would only wait and fail again).
  if (problem.code === 'AI_QUOTA_EXCEEDED') reply.header('x-should-retry', 'false');
  return reply.code(problem.status).type('application/json').send(JSON.stringify(toOpenAiError(problem)));
}
