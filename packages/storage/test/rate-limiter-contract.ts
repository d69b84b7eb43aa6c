import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimiter } from '../src/index.ts';

export interface RateLimiterHarness {
  limiter: RateLimiter;
  /** Lets at least `ms` pass on the limiter's clock (a fake clock jumps; a real one sleeps). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** The behaviour every RateLimiter implementation must have; run on the memory and the Redis one. */
export function describeRateLimiterContract(name: string, open: () => Promise<RateLimiterHarness>, enabled = true): void {
  describe.skipIf(!enabled)(`RateLimiter contract: ${name}`, () => {
    let harness: RateLimiterHarness;
    // Each test takes fresh keys, so the tests share one limiter without sharing budgets.
    const freshKey = () => `k:${randomBytes(6).toString('hex')}`;
    const minute = { limit: 3, windowMs: 60_000 };

    beforeAll(async () => { harness = await open(); });
    afterAll(async () => { await harness?.close(); });

    it('allows `limit` requests, counting remaining down, then denies', async () => {
      const key = freshKey();
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await harness.limiter.take(key, minute));
      expect(results.map((result) => result.allowed)).toEqual([true, true, true, false]);
      expect(results.map((result) => result.remaining)).toEqual([2, 1, 0, 0]);
      for (const result of results) {
        expect(result.limit).toBe(3);
        expect(result.resetMs).toBeGreaterThan(0);
        expect(result.resetMs).toBeLessThanOrEqual(60_000);
      }
      expect(results.slice(0, 3).every((result) => result.retryAfterMs === 0)).toBe(true);
      // One emission interval (20 s) must pass before the next request fits.
      expect(results[3]!.retryAfterMs).toBeGreaterThan(0);
      expect(results[3]!.retryAfterMs).toBeLessThanOrEqual(20_000);
    });

    it('allows exactly `limit` when the window does not divide evenly by it', async () => {
      const key = freshKey();
      const rule = { limit: 3, windowMs: 10_000 };
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await harness.limiter.take(key, rule));
      expect(results.map((result) => [result.allowed, result.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0]]);
    });

    it('keeps separate keys independent', async () => {
      const [a, b] = [freshKey(), freshKey()];
      for (let i = 0; i < 3; i++) await harness.limiter.take(a, minute);
      expect((await harness.limiter.take(a, minute)).allowed).toBe(false);
      const other = await harness.limiter.take(b, minute);
      expect(other).toMatchObject({ allowed: true, remaining: 2 });
    });

    it('does not charge denied requests, and allows one more after the emission interval', async () => {
      const key = freshKey();
      const rule = { limit: 2, windowMs: 1_000 };
      expect((await harness.limiter.take(key, rule)).allowed).toBe(true);
      expect((await harness.limiter.take(key, rule)).allowed).toBe(true);
      const denied = await harness.limiter.take(key, rule);
      expect(denied.allowed).toBe(false);
      // Hammering while denied must not push the next allowed moment further away.
      for (let i = 0; i < 5; i++) {
        const again = await harness.limiter.take(key, rule);
        expect(again.allowed).toBe(false);
        expect(again.retryAfterMs).toBeLessThanOrEqual(denied.retryAfterMs);
      }
      await harness.advance(denied.retryAfterMs + 100);
      expect((await harness.limiter.take(key, rule)).allowed).toBe(true);
    });

    it('rejects a rule that is not a positive integer budget', async () => {
      await expect(harness.limiter.take(freshKey(), { limit: 0, windowMs: 1_000 })).rejects.toThrow(RangeError);
      await expect(harness.limiter.take(freshKey(), { limit: 1, windowMs: 0.5 })).rejects.toThrow(RangeError);
    });
  });
}
