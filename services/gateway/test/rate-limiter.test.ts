import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../src/index.ts';

describe('createRateLimiter', () => {
  const budgets = { credentials: { limit: 2, windowMs: 60_000 }, standard: { limit: 3, windowMs: 10_000 } };

  it('allows the budget per class and client, then tells how long to wait', () => {
    let now = 1_000_000;
    const take = createRateLimiter(budgets, () => now);
    expect([take('credentials', 'a'), take('credentials', 'a')]).toEqual([0, 0]);
    expect(take('credentials', 'a')).toBe(60);
    // Other clients and other classes have their own budgets.
    expect(take('credentials', 'b')).toBe(0);
    expect(take('standard', 'a')).toBe(0);
    now += 30_000;
    expect(take('credentials', 'a')).toBe(30);
  });

  it('starts a fresh window once the old one has passed', () => {
    let now = 0;
    const take = createRateLimiter(budgets, () => now);
    for (let i = 0; i < 3; i++) take('standard', 'a');
    expect(take('standard', 'a')).toBeGreaterThan(0);
    now += 10_000;
    expect(take('standard', 'a')).toBe(0);
  });
});
