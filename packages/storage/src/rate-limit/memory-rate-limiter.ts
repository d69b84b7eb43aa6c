import { gcra } from './gcra.ts';
import { assertValidRule, type RateLimiter, type RateLimitResult, type RateLimitRule } from './rate-limiter.ts';

export interface MemoryRateLimiterOptions {
  /** Clock in ms; tests inject one. */
  now?: () => number;
  /** How often keys whose TAT has passed are dropped, ms. */
  sweepIntervalMs?: number;
}

/**
 * GCRA in this process's memory: the all-in-one topology, where one process is the whole
 * edge. A key whose TAT has passed holds no information (it equals a fresh key), so the
 * periodic sweep drops it and memory stays bounded by the keys active within one window.
 */
export interface MemoryRateLimiter extends RateLimiter {
  /** Keys currently held (swept ones excluded). */
  size(): number;
}

export function createMemoryRateLimiter(opts: MemoryRateLimiterOptions = {}): MemoryRateLimiter {
  const now = opts.now ?? Date.now;
  const sweepIntervalMs = opts.sweepIntervalMs ?? 10_000;
  const tats = new Map<string, number>();
  let lastSweepMs = now();

  function sweep(nowMs: number): void {
    if (nowMs - lastSweepMs < sweepIntervalMs) return;
    lastSweepMs = nowMs;
    const nowUs = nowMs * 1000;
    for (const [key, tatUs] of tats) if (tatUs <= nowUs) tats.delete(key);
  }

  function takeNow(key: string, rule: RateLimitRule): RateLimitResult {
    assertValidRule(rule);
    const nowMs = now();
    sweep(nowMs);
    const decision = gcra(tats.get(key), nowMs * 1000, rule);
    if (decision.newTatUs !== undefined) tats.set(key, decision.newTatUs);
    return decision.result;
  }

  return {
    async take(key, rule) {
      return takeNow(key, rule);
    },
    takeNow,
    async close() {
      tats.clear();
    },
    size: () => tats.size,
  };
}
