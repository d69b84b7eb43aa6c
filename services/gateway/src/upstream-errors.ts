import { ProblemError } from '@versaai/kernel';
import type { FailureKind } from './upstream/retry-policy.ts';

/**
 * What the client sees when a proxied call fails. The detail names the service, never the
 * upstream address or the socket error: those are for the gateway's log.
 */
export function upstreamProblem(service: string, kind: FailureKind): ProblemError {
  if (kind === 'timeout') {
    return new ProblemError({ status: 504, code: 'UPSTREAM_TIMEOUT', detail: `The ${service} service did not answer in time.` });
  }
  return new ProblemError({ status: 502, code: 'UPSTREAM_UNAVAILABLE', detail: `The ${service} service is unavailable.` });
}

/** Every replica of the service is out (breaker open or failing /ready): 503 with a hint of when to retry. */
export function noReplicaProblem(service: string, retryAfterSeconds: number): ProblemError {
  return new ProblemError({
    status: 503,
    code: 'UPSTREAM_UNAVAILABLE',
    detail: `The ${service} service is unavailable; try again later.`,
    extensions: { retryAfterSeconds },
    headers: { 'retry-after': String(retryAfterSeconds) },
  });
}
