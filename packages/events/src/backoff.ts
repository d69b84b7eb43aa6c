export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with full jitter (a random delay between 0 and the exponential cap), so
 * replicas failing on the same cause do not retry in lockstep. `attempt` starts at 1.
 */
export function backoffDelay(attempt: number, { baseMs, maxMs }: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const cap = Math.min(maxMs, baseMs * 2 ** exponent);
  return Math.floor(random() * cap);
}
