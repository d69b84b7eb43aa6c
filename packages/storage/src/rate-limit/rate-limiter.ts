/** One budget: at most `limit` requests per `windowMs`, refilled smoothly (GCRA), never in one step. */
export interface RateLimitRule { limit: number; windowMs: number }

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Requests that would still be allowed right now, after this one. */
  remaining: number;
  /** Until the budget is whole again (nothing counted any more), ms. */
  resetMs: number;
  /** Until the next request can be allowed; 0 when this one was. */
  retryAfterMs: number;
}

/**
 * The rate-limit port. `take` counts one request against `key` when it is allowed; a denied
 * request costs nothing, so a client hammering a closed door does not keep it closed.
 */
export interface RateLimiter {
  take(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
  /** The same count without waiting, where the budgets live in this process's memory (absent on shared limiters). */
  takeNow?(key: string, rule: RateLimitRule): RateLimitResult;
  close(): Promise<void>;
}

export function assertValidRule(rule: RateLimitRule): void {
  if (!Number.isSafeInteger(rule.limit) || rule.limit < 1) throw new RangeError(`rate limit must be a positive integer (got ${rule.limit})`);
  if (!Number.isSafeInteger(rule.windowMs) || rule.windowMs < 1) throw new RangeError(`rate window must be a positive integer of ms (got ${rule.windowMs})`);
}
