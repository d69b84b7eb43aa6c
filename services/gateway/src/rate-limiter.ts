import { ProblemError, type Logger } from '@versaai/kernel';
import type { RateLimiter, RateLimitResult, RateLimitRule } from '@versaai/storage';
import type { RateLimitClass } from './route-table.ts';

export type RateBudget = RateLimitRule;
export type RateBudgets = Record<RateLimitClass, RateBudget>;

/** Counts one request of a class from a client (`ip:…`, `user:…`, `key:…`); undefined when not counted (limiter unavailable). */
export type EdgeLimit = ((rateClass: RateLimitClass, client: string) => Promise<RateLimitResult | undefined>) & {
  /** The same count decided at once, present when the limiter keeps its budgets in this process. */
  now?: (rateClass: RateLimitClass, client: string) => RateLimitResult | undefined;
};

/** The route table's budgets with the configured overrides applied (only for classes the table knows). */
export function applyBudgetOverrides(budgets: RateBudgets, overrides: Readonly<Record<string, RateLimitRule>> = {}): RateBudgets {
  const merged = { ...budgets };
  for (const rateClass of Object.keys(budgets) as RateLimitClass[]) merged[rateClass] = overrides[rateClass] ?? budgets[rateClass];
  return merged;
}

/**
 * Counts requests against their class budget, keyed `<class>:<client>`. If the limiter fails (Redis down) the request passes and a
 * warning is logged: the edge must not go down with Redis. After a failure the limiter is
 * left alone for `cooldownMs`, so an outage does not add a timeout to every request.
 */
export function createEdgeLimit(limiter: RateLimiter, budgets: RateBudgets, logger: Logger, cooldownMs = 1_000): EdgeLimit {
  let skipUntil = 0;
  const unavailable = (error: unknown): undefined => {
    skipUntil = Date.now() + cooldownMs;
    logger.warn({ err: error, cooldownMs }, 'rate limiter unavailable; letting requests through unlimited');
    return undefined;
  };
  // A promise chain rather than an async function: one promise less on every request.
  const limit: EdgeLimit = (rateClass, client) => {
    if (Date.now() < skipUntil) return Promise.resolve(undefined);
    try {
      return limiter.take(`${rateClass}:${client}`, budgets[rateClass]).then(undefined, unavailable);
    } catch (error) {
      return Promise.resolve(unavailable(error));
    }
  };
  const takeNow = limiter.takeNow;
  if (takeNow) {
    limit.now = (rateClass, client) => {
      if (Date.now() < skipUntil) return undefined;
      try {
        return takeNow(`${rateClass}:${client}`, budgets[rateClass]);
      } catch (error) {
        return unavailable(error);
      }
    };
  }
  return limit;
}

/** Sets the IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers); times in whole seconds. */
export function setRateLimitHeaders(target: { header(name: string, value: string): unknown }, result: RateLimitResult): void {
  target.header('ratelimit-limit', String(result.limit));
  target.header('ratelimit-remaining', String(result.remaining));
  target.header('ratelimit-reset', String(Math.ceil(result.resetMs / 1000)));
}

/** The same fields as an object (for a problem's headers, or a raw upgrade answer). */
export function rateLimitHeaders(result: RateLimitResult): Record<string, string> {
  const headers: Record<string, string> = {};
  setRateLimitHeaders({ header: (name, value) => { headers[name] = value; } }, result);
  return headers;
}

/** Counts the request; throws 429 RATE_LIMITED when over budget, else returns the headers to send. */
export async function enforceRateLimit(limit: EdgeLimit, rateClass: RateLimitClass, client: string): Promise<Record<string, string> | undefined> {
  return rateLimitVerdict(await limit(rateClass, client));
}

/** The headers of a counted request, or 429 RATE_LIMITED when it is over budget; undefined when it was not counted. */
export function rateLimitVerdict(result: RateLimitResult | undefined): Record<string, string> | undefined {
  if (!result) return undefined;
  const headers = rateLimitHeaders(result);
  if (!result.allowed) {
    const retryAfter = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    throw new ProblemError({
      status: 429, code: 'RATE_LIMITED', detail: 'Too many requests; try again later.',
      extensions: { retryAfterSeconds: retryAfter }, headers: { ...headers, 'retry-after': String(retryAfter) },
    });
  }
  return headers;
}
