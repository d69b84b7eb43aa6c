import type { FastifyInstance } from 'fastify';
import { ProblemError } from '@versaai/kernel';
import type { GatewayRoute, RateLimitClass } from './route-table.ts';
import { matchRoute } from './match-route.ts';

export interface RateBudget { limit: number; windowMs: number }
export type RateBudgets = Record<RateLimitClass, RateBudget>;

interface Window { startedAt: number; count: number }

/**
 * Fixed-window counters per (class, client address), in this process's memory. That is the
 * all-in-one design; several gateway replicas each count on their own until the shared
 * (Redis) limiter replaces this store.
 */
export function createRateLimiter(budgets: RateBudgets, now: () => number = Date.now) {
  const windows = new Map<string, Window>();
  let lastSweep = now();
  const longestWindow = Math.max(...Object.values(budgets).map((budget) => budget.windowMs));

  function sweep(at: number): void {
    if (at - lastSweep < longestWindow) return;
    lastSweep = at;
    for (const [key, window] of windows) if (at - window.startedAt >= longestWindow) windows.delete(key);
  }

  /** Counts one request; returns the seconds to wait when the budget is spent, else 0. */
  return function take(rateClass: RateLimitClass, client: string): number {
    const at = now();
    sweep(at);
    const budget = budgets[rateClass];
    const key = `${rateClass}\u0000${client}`;
    let window = windows.get(key);
    if (!window || at - window.startedAt >= budget.windowMs) {
      window = { startedAt: at, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= budget.limit) return 0;
    return Math.max(1, Math.ceil((window.startedAt + budget.windowMs - at) / 1000));
  };
}

/** Adds the limiter to a scope: every request under a table route is counted against its class. */
export function addRateLimitHook(scope: FastifyInstance, table: readonly GatewayRoute[], take: ReturnType<typeof createRateLimiter>): void {
  scope.addHook('onRequest', async (request) => {
    const route = matchRoute(table, request.url.split('?', 1)[0]!);
    if (!route) return;
    const retryAfter = take(route.rateLimit, request.ip);
    if (retryAfter > 0) {
      throw new ProblemError({
        status: 429, code: 'RATE_LIMITED', detail: 'Too many requests; try again later.',
        extensions: { retryAfterSeconds: retryAfter }, headers: { 'retry-after': String(retryAfter) },
      });
    }
  });
}
