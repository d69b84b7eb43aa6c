import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@versaai/kernel';
import { createMemoryRateLimiter, createRedisRateLimiter } from '@versaai/storage';
import { applyBudgetOverrides, createEdgeLimit } from '../src/index.ts';

const budgets = { credentials: { limit: 2, windowMs: 60_000 }, standard: { limit: 3, windowMs: 10_000 } };

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { logger: createLogger({ service: 'gateway', level: 'warn', destination }), lines };
}

describe('createEdgeLimit', () => {
  it('keys budgets by class and client (address, user or API key)', async () => {
    const limiter = createMemoryRateLimiter();
    const limit = createEdgeLimit(limiter, budgets, capturingLogger().logger);
    expect((await limit('credentials', 'ip:10.0.0.1'))?.allowed).toBe(true);
    expect((await limit('credentials', 'ip:10.0.0.1'))?.allowed).toBe(true);
    expect((await limit('credentials', 'ip:10.0.0.1'))?.allowed).toBe(false);
    // Other clients and other classes have their own budgets.
    expect((await limit('credentials', 'ip:10.0.0.2'))?.allowed).toBe(true);
    expect(await limit('standard', 'ip:10.0.0.1')).toMatchObject({ allowed: true, limit: 3, remaining: 2 });
    expect((await limit('credentials', 'user:u1'))?.allowed).toBe(true);
    // The keys the port sees: `<class>:<client>`.
    expect((await limiter.take('credentials:ip:10.0.0.1', budgets.credentials)).allowed).toBe(false);
  });

  it('lets requests through and logs a warning when the limiter cannot be reached (fail open)', async () => {
    const { logger, lines } = capturingLogger();
    const unreachable = createRedisRateLimiter({ url: 'redis://127.0.0.1:1', prefix: 'unused:', connectTimeoutMs: 200, commandTimeoutMs: 300 });
    try {
      const limit = createEdgeLimit(unreachable, budgets, logger, 60_000);
      expect(await limit('credentials', 'ip:10.0.0.1')).toBeUndefined();
      // Within the cooldown the limiter is not asked again: no second warning.
      expect(await limit('credentials', 'ip:10.0.0.1')).toBeUndefined();
      expect(lines.filter((line) => line.msg === 'rate limiter unavailable; letting requests through unlimited')).toHaveLength(1);
      expect(lines[0]!.level).toBe('warn');
    } finally {
      await unreachable.close();
    }
  });
});

describe('createEdgeLimit(…).now', () => {
  it('counts at once against the same budgets as the promise form, where the limiter is in memory', async () => {
    const limit = createEdgeLimit(createMemoryRateLimiter(), budgets, capturingLogger().logger);
    expect(limit.now!('credentials', 'ip:10.0.0.1')).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
    expect((await limit('credentials', 'ip:10.0.0.1'))?.allowed).toBe(true);
    expect(limit.now!('credentials', 'ip:10.0.0.1')?.allowed).toBe(false);
    expect(limit.now!('standard', 'ip:10.0.0.1')).toMatchObject({ allowed: true, limit: 3, remaining: 2 });
  });

  it('is absent for a shared limiter, whose answer needs a round trip', async () => {
    const redis = createRedisRateLimiter({ url: 'redis://127.0.0.1:1', prefix: 'unused:', connectTimeoutMs: 200, commandTimeoutMs: 300 });
    try {
      expect(createEdgeLimit(redis, budgets, capturingLogger().logger).now).toBeUndefined();
    } finally {
      await redis.close();
    }
  });

  it('fails open with one warning, then leaves the limiter alone for the cooldown', () => {
    const { logger, lines } = capturingLogger();
    let calls = 0;
    const failing = {
      take: async () => { throw new Error('down'); },
      takeNow: () => { calls += 1; throw new Error('down'); },
      close: async () => {},
    };
    const limit = createEdgeLimit(failing, budgets, logger, 60_000);
    expect(limit.now!('credentials', 'ip:10.0.0.1')).toBeUndefined();
    expect(limit.now!('credentials', 'ip:10.0.0.1')).toBeUndefined();
    expect(calls).toBe(1);
    expect(lines.filter((line) => line.msg === 'rate limiter unavailable; letting requests through unlimited')).toHaveLength(1);
  });
});

describe('applyBudgetOverrides', () => {
  it('replaces the budgets of configured classes only', () => {
    expect(applyBudgetOverrides(budgets, { credentials: { limit: 5, windowMs: 1_000 }, unknown: { limit: 1, windowMs: 1 } })).toEqual({
      credentials: { limit: 5, windowMs: 1_000 },
      standard: budgets.standard,
    });
  });
});
