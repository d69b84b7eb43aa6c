import { describe, expect, it } from 'vitest';
import { migrate } from '@versaai/storage';
import { eventsMigrations } from '@versaai/events';
import { describeOnBothDialects } from '@versaai/testing';
import { aiMigrations } from '../src/migrations/index.ts';
import { chargeTokens, quotaUsed, reserveMessage } from '../src/quota/quota-store.ts';
import { secondsUntilNextUtcDay, utcDay } from '../src/quota/utc-day.ts';


describeOnBothDialects('daily quota', (harness) => {
  const plan = { name: 'tiny', dailyMessages: 10, dailyTokens: 1_000, priority: 0 };

  it('50 concurrent reservations against a quota of 10 admit exactly 10', async () => {
    const database = await harness.open('ai', { poolMax: 10 });
    await migrate(database, [...eventsMigrations, ...aiMigrations]);
    // Each reservation on its own connection where the dialect has several (PostgreSQL pool of 10).
    const results = await Promise.all(Array.from({ length: 50 }, () => reserveMessage(database.db, 'user-race', plan)));
    expect(results.filter(Boolean)).toHaveLength(10);
    expect((await quotaUsed(database.db, 'user-race')).messages).toBe(10);
    // Another user has their own counter.
    expect(await reserveMessage(database.db, 'user-other', plan)).toBe(true);
  });

  it('refuses once the day\'s tokens are used up, and a new day starts over', async () => {
    const database = await harness.open('ai');
    await migrate(database, [...eventsMigrations, ...aiMigrations]);
    const today = utcDay();
    expect(await reserveMessage(database.db, 'user-tokens', plan, today)).toBe(true);
    await chargeTokens(database.db, 'user-tokens', today, 1_000);
    expect(await reserveMessage(database.db, 'user-tokens', plan, today)).toBe(false);
    expect(await reserveMessage(database.db, 'user-tokens', plan, '2099-01-01')).toBe(true);
    expect(await quotaUsed(database.db, 'user-tokens', today)).toEqual({ messages: 1, tokens: 1_000 });
  });

  it('a plan with no messages admits nothing', async () => {
    const database = await harness.open('ai');
    await migrate(database, [...eventsMigrations, ...aiMigrations]);
    expect(await reserveMessage(database.db, 'user-zero', { ...plan, dailyMessages: 0 })).toBe(false);
  });
});

describe('utc days', () => {
  it('names the UTC day and counts the seconds to its end', () => {
    const at = Date.UTC(2026, 10, 28, 23, 59, 30);
    expect(utcDay(at)).toBe('2026-11-28');
    expect(secondsUntilNextUtcDay(at)).toBe(30);
  });

  it('changes day exactly at UTC midnight, whatever day was asked before', () => {
    const midnight = Date.UTC(2026, 10, 29);
    expect(utcDay(midnight - 1)).toBe('2026-11-28');
    expect(utcDay(midnight)).toBe('2026-11-29');
    expect(utcDay(midnight - 1)).toBe('2026-11-28');
    expect(utcDay(Date.UTC(1969, 11, 31, 23, 59))).toBe('1969-12-31');
    expect(utcDay(0)).toBe('1970-01-01');
    expect(utcDay(midnight + 0.5)).toBe('2026-11-29');
    expect(() => utcDay(Number.NaN)).toThrow(RangeError);
    expect(utcDay(midnight)).toBe('2026-11-29');
  });
});
