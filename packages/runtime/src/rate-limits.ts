import { z } from 'zod';
import type { RateLimitRule } from '@versaai/storage';

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `10/60s` → { limit: 10, windowMs: 60000 }; undefined when malformed. */
export function parseRateLimitRule(raw: string): RateLimitRule | undefined {
  const match = /^(\d+)\s*\/\s*(\d+)(ms|s|m|h)?$/.exec(raw.trim());
  if (!match) return undefined;
  const limit = Number(match[1]);
  const windowMs = Number(match[2]) * (DURATION_UNITS_MS[match[3] ?? 'ms'] ?? 1);
  if (!Number.isSafeInteger(limit) || limit < 1 || !Number.isSafeInteger(windowMs) || windowMs < 1) return undefined;
  return { limit, windowMs };
}

/** An optional budget override such as `RATE_LIMIT_CREDENTIALS=10/60s`; unset keeps the route table's budget. */
export function envRateLimitRule() {
  return z.string().optional().transform((raw, ctx): RateLimitRule | undefined => {
    if (raw === undefined || raw.trim() === '') return undefined;
    const rule = parseRateLimitRule(raw);
    if (!rule) {
      ctx.addIssue({ code: 'custom', message: 'must be <requests>/<window>, e.g. 10/60s, 600/1m, 5/500ms (both positive)' });
      return z.NEVER;
    }
    return rule;
  });
}
