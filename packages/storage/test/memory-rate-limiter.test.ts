import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '../src/index.ts';
import { describeRateLimiterContract } from './rate-limiter-contract.ts';

describeRateLimiterContract('memory (fake clock)', async () => {
  let now = 1_700_000_000_000;
  return {
    limiter: createMemoryRateLimiter({ now: () => now }),
    advance: async (ms) => { now += ms; },
    close: async () => {},
  };
});

describeRateLimiterContract('memory through takeNow (fake clock)', async () => {
  let now = 1_700_000_000_000;
  const memory = createMemoryRateLimiter({ now: () => now });
  return {
    limiter: { take: async (key, rule) => memory.takeNow!(key, rule), close: () => memory.close() },
    advance: async (ms) => { now += ms; },
    close: async () => {},
  };
});

describe('createMemoryRateLimiter', () => {
  it('has no double burst at what would be a window edge', async () => {
    let now = 999;
    const limiter = createMemoryRateLimiter({ now: () => now });
    const rule = { limit: 4, windowMs: 1_000 };
    // A burst at the end of what a fixed window would call [0, 1000)…
    for (let i = 0; i < 4; i++) expect((await limiter.take('k', rule)).allowed).toBe(true);
    // …and a fixed window would allow 4 more at 1000. GCRA refills one per 250 ms.
    now = 1_000;
    expect((await limiter.take('k', rule)).allowed).toBe(false);
    now = 999 + 250;
    const afterOneInterval = [];
    for (let i = 0; i < 2; i++) afterOneInterval.push((await limiter.take('k', rule)).allowed);
    expect(afterOneInterval).toEqual([true, false]);
  });

  it('sweeps keys whose budget is whole again, so memory stays bounded', async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({ now: () => now, sweepIntervalMs: 1_000 });
    for (let i = 0; i < 100; i++) await limiter.take(`client-${i}`, { limit: 10, windowMs: 500 });
    expect(limiter.size()).toBe(100);
    now = 1_000;
    await limiter.take('late', { limit: 10, windowMs: 500 });
    expect(limiter.size()).toBe(1);
  });
});
