import { ProblemError } from '@versaai/kernel';

const TIMEOUT_CODES = new Set([
  'FST_REPLY_FROM_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT', 'FST_REPLY_FROM_HTTP_REQUEST_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

function isTimeout(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * What the client sees when a proxied call fails. The detail names the service, never the
 * upstream address or the socket error: those are for the gateway's log.
 */
export function upstreamProblem(service: string, error: unknown): ProblemError {
  if (isTimeout(error)) {
    return new ProblemError({ status: 504, code: 'UPSTREAM_TIMEOUT', detail: `The ${service} service did not answer in time.` });
  }
  return new ProblemError({ status: 502, code: 'UPSTREAM_UNAVAILABLE', detail: `The ${service} service is unavailable.` });
}
