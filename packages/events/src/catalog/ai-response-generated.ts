import { z } from 'zod';
import { defineEvent } from './define-event.ts';

const v1 = z.object({
  conversationId: z.string().min(1),
  messageId: z.string().min(1),
  responseId: z.string().min(1).optional(),
  userId: z.string().min(1),
  content: z.string(),
  model: z.string().min(1),
  provider: z.string().min(1),
  usage: z.object({
    promptTokens: z.number().int().nonnegative(),
    completionTokens: z.number().int().nonnegative(),
  }),
  costUsd: z.number().nonnegative().optional(),
  finishReason: z.string().min(1),
});

export const aiResponseGenerated = defineEvent('ai.response.generated', { 1: v1 }, 1);
