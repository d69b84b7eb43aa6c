import type { RateLimitResult, RateLimitRule } from './rate-limiter.ts';

/**
 * GCRA on integer microseconds: each key keeps a theoretical arrival time (TAT); every
 * allowed request pushes it one emission interval (window / limit) further. A request is
 * allowed while the pushed TAT stays within one window of now, so a burst is at most `limit`
 * and there is no double burst at a window edge. The Redis script mirrors this function.
 */
export interface GcraDecision { result: RateLimitResult; newTatUs: number | undefined }

export function emissionIntervalUs(rule: RateLimitRule): number {
  // Rounded up so integer arithmetic never lets more than `limit` through in one window.
  return Math.ceil((rule.windowMs * 1000) / rule.limit);
}

/**
 * The window as GCRA sees it: exactly `limit` intervals. With the interval rounded up that can
 * exceed windowMs by under a microsecond per request, and it keeps a burst at exactly `limit`
 * and `remaining` exact in integer arithmetic.
 */
export function gcraWindowUs(rule: RateLimitRule): number {
  return emissionIntervalUs(rule) * rule.limit;
}

export function gcra(storedTatUs: number | undefined, nowUs: number, rule: RateLimitRule): GcraDecision {
  const intervalUs = emissionIntervalUs(rule);
  const windowUs = gcraWindowUs(rule);
  const tatUs = Math.max(storedTatUs ?? nowUs, nowUs);
  const newTatUs = tatUs + intervalUs;
  const allowAtUs = newTatUs - windowUs;
  if (nowUs < allowAtUs) {
    return {
      newTatUs: undefined,
      result: { allowed: false, limit: rule.limit, remaining: 0, resetMs: Math.ceil((tatUs - nowUs) / 1000), retryAfterMs: Math.ceil((allowAtUs - nowUs) / 1000) },
    };
  }
  return {
    newTatUs,
    result: {
      allowed: true,
      limit: rule.limit,
      remaining: Math.floor((windowUs - (newTatUs - nowUs)) / intervalUs),
      resetMs: Math.ceil((newTatUs - nowUs) / 1000),
      retryAfterMs: 0,
    },
  };
}
