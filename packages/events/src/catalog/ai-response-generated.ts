import { z } from 'zod';
import { defineEvent } from './define-event.ts';

const usage = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
});

const v1 = z.object({
  conversationId: z.string().min(1),
  messageId: z.string().min(1),
  responseId: z.string().min(1).optional(),
  userId: z.string().min(1),
  content: z.string(),
  model: z.string().min(1),
  provider: z.string().min(1),
  usage,
  costUsd: z.number().nonnegative().optional(),
  finishReason: z.string().min(1),
});

/**
 * v2: every answer ends in exactly one of three states, and the event says which. A failed or
 * cancelled answer keeps the text produced so far in `content`.
 */
const v2 = z.object({
  conversationId: z.string().min(1),
  messageId: z.string().min(1),
  responseId: z.string().min(1),
  userId: z.string().min(1),
  status: z.enum(['completed', 'failed', 'cancelled']),
  content: z.string(),
  /** The registry's model id that answered (after any fallback), and its provider. */
  model: z.string().min(1),
  provider: z.string().min(1),
  usage,
  costUsd: z.number().nonnegative().default(0),
  /** The upstream's finish reason ('stop', 'length', …) or 'error' / 'cancelled'. */
  finishReason: z.string().min(1),
  /** Stable code of the failure (e.g. AI_IDLE_TIMEOUT, AI_PROVIDER_UNAVAILABLE) when status is failed. */
  errorCode: z.string().min(1).optional(),
  cached: z.boolean().default(false),
});

export const aiResponseGenerated = defineEvent('ai.response.generated', { 1: v1, 2: v2 }, 2);
