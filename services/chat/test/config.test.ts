import { describe, expect, it } from 'vitest';
import { ConfigError } from '@versaai/kernel';
import { parseChatConfig } from '../src/config.ts';

describe('chat: configuration', () => {
  it('defaults to a 120 s deadline looked at every 15 s', () => {
    expect(parseChatConfig({})).toEqual({ responseDeadlineMs: 120_000, reaperIntervalMs: 15_000 });
  });

  it('reads durations with units and derives the interval from a short deadline', () => {
    expect(parseChatConfig({ CHAT_RESPONSE_DEADLINE_MS: '8s' })).toEqual({ responseDeadlineMs: 8_000, reaperIntervalMs: 2_000 });
    expect(parseChatConfig({ CHAT_RESPONSE_DEADLINE_MS: '2m', CHAT_REAPER_INTERVAL_MS: '500ms' })).toEqual({ responseDeadlineMs: 120_000, reaperIntervalMs: 500 });
  });

  it('names the variable of a bad value', () => {
    expect(() => parseChatConfig({ CHAT_RESPONSE_DEADLINE_MS: 'soon' })).toThrow(ConfigError);
    expect(() => parseChatConfig({ CHAT_RESPONSE_DEADLINE_MS: '10ms' })).toThrow(/CHAT_RESPONSE_DEADLINE_MS must be at least 1s/);
    expect(() => parseChatConfig({ CHAT_REAPER_INTERVAL_MS: '1' })).toThrow(/CHAT_REAPER_INTERVAL_MS/);
  });
});
