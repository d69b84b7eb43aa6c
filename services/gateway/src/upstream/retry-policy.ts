/** Methods whose repetition has the effect of one call (RFC 9110 §9.2.2); POST and PATCH are never retried. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Failures that happen before the upstream sent any byte of a response: nothing reached the client yet. */
const BEFORE_RESPONSE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED',
]);

const TIMEOUT_CODES = new Set([
  'FST_REPLY_FROM_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT', 'FST_REPLY_FROM_HTTP_REQUEST_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

export type FailureKind = 'timeout' | 'connect' | 'other';

/** Codes of an error, its causes and (for AggregateError from dual-stack connects) its members. */
function codesOf(error: unknown, depth = 0): string[] {
  if (!error || typeof error !== 'object' || depth > 5) return [];
  const codes: string[] = [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') codes.push(code);
  codes.push(...codesOf(cause, depth + 1));
  if (Array.isArray(errors)) for (const member of errors) codes.push(...codesOf(member, depth + 1));
  return codes;
}

/**
 * A headers timeout means the upstream may be working on the request: never retried. A
 * connect timeout is a connection failure (nothing was sent), so it counts as `connect`.
 */
export function classifyFailure(error: unknown): FailureKind {
  const codes = codesOf(error);
  if (codes.includes('UND_ERR_CONNECT_TIMEOUT')) return 'connect';
  if (codes.some((code) => TIMEOUT_CODES.has(code))) return 'timeout';
  if (codes.some((code) => BEFORE_RESPONSE.has(code))) return 'connect';
  return 'other';
}

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}
