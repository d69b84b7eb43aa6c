import { describe, expect, it } from 'vitest';
import { QuotaHeadroom } from '../src/quota/quota-headroom.ts';

describe('quota headroom (what this process last learnt from the store)', () => {
  const plan = { name: 'tiny', dailyMessages: 3, dailyTokens: 100, priority: 0 };

  it('knows nothing of a user until the store answered for them, nor of another day', () => {
    const headroom = new QuotaHeadroom();
    expect(headroom.hasRoom('u', '2026-01-01', plan)).toBe(false);
    headroom.settle('u', '2026-01-01', plan, { messages: 1, tokens: 0 }, false);
    expect(headroom.hasRoom('u', '2026-01-01', plan)).toBe(true);
    expect(headroom.hasRoom('u', '2026-01-02', plan)).toBe(false);
  });

  it('counts the reservations in flight, so concurrent requests do not all count on the last message', () => {
    const headroom = new QuotaHeadroom();
    headroom.settle('u', 'd', plan, { messages: 1, tokens: 0 }, false);
    headroom.begin('u', 'd');
    expect(headroom.hasRoom('u', 'd', plan)).toBe(true);
    headroom.begin('u', 'd');
    expect(headroom.hasRoom('u', 'd', plan)).toBe(false);
    headroom.settle('u', 'd', plan, { messages: 2, tokens: 0 }, true);
    expect(headroom.hasRoom('u', 'd', plan)).toBe(false);
    headroom.released('u', 'd');
    expect(headroom.hasRoom('u', 'd', plan)).toBe(true);
  });

  it('a refusal, or tokens used up, leaves no room', () => {
    const headroom = new QuotaHeadroom();
    headroom.settle('u', 'd', plan, { messages: 1, tokens: 0 }, false);
    headroom.charged('u', 'd', 100);
    expect(headroom.hasRoom('u', 'd', plan)).toBe(false);
    headroom.settle('v', 'd', plan, { messages: 1, tokens: 0 }, false);
    headroom.begin('v', 'd');
    headroom.settle('v', 'd', plan, undefined, true);
    expect(headroom.hasRoom('v', 'd', plan)).toBe(false);
  });

  it('stays bounded: past its size it forgets everyone and asks the store first again', () => {
    const headroom = new QuotaHeadroom(2);
    headroom.settle('a', 'd', plan, { messages: 1, tokens: 0 }, false);
    headroom.settle('b', 'd', plan, { messages: 1, tokens: 0 }, false);
    headroom.settle('c', 'd', plan, { messages: 1, tokens: 0 }, false);
    expect(headroom.hasRoom('a', 'd', plan)).toBe(false);
    expect(headroom.hasRoom('c', 'd', plan)).toBe(true);
  });
});
