import { z } from 'zod';
import { envDurationMs, parseConfig } from '@versaai/kernel';

/** Settings of the chat core, parsed when the service's routes are mounted. */
const chatConfigSchema = z.object({
  /** An answer whose stream shows no progress for this long is ended by the reaper (failed AI_NO_PROGRESS, or cancelled). */
  CHAT_RESPONSE_DEADLINE_MS: envDurationMs(120_000).refine((ms) => ms >= 1_000, 'must be at least 1s'),
  /** How often the reaper looks; default a quarter of the deadline, at most 15 s. */
  CHAT_REAPER_INTERVAL_MS: envDurationMs().refine((ms) => ms >= 50, 'must be at least 50ms').optional(),
});

export interface ChatConfig {
  responseDeadlineMs: number;
  reaperIntervalMs: number;
}

export function parseChatConfig(env: NodeJS.ProcessEnv): ChatConfig {
  const raw = parseConfig(chatConfigSchema, env);
  return {
    responseDeadlineMs: raw.CHAT_RESPONSE_DEADLINE_MS,
    reaperIntervalMs: raw.CHAT_REAPER_INTERVAL_MS ?? Math.min(Math.ceil(raw.CHAT_RESPONSE_DEADLINE_MS / 4), 15_000),
  };
}
