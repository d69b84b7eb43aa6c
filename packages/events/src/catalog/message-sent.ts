import { z } from 'zod';
import { defineEvent } from './define-event.ts';

const v1 = z.object({
  conversationId: z.string().min(1),
  messageId: z.string().min(1),
  userId: z.string().min(1),
  content: z.string(),
  model: z.string().optional(),
});

/** One earlier turn of the conversation's active path, as the model sees it. */
export const chatTurnSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});

/**
 * v2 carries what the AI service needs to answer without reading chat's tables: the id of
 * the pending assistant message it must fill (`responseId`) and the active path before the
 * new message (`history`, oldest first; the AI service truncates it to the model's window).
 */
const v2 = z.object({
  conversationId: z.string().min(1),
  /** The user's message. */
  messageId: z.string().min(1),
  /** The pending assistant message the answer goes into. */
  responseId: z.string().min(1),
  userId: z.string().min(1),
  content: z.string(),
  /** A model id of the registry; absent → the registry's default. */
  model: z.string().min(1).optional(),
  history: z.array(chatTurnSchema).default([]),
  parameters: z.object({
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().optional(),
    /** Opt in to the exact response cache (always on for temperature 0). */
    cache: z.boolean().optional(),
  }).default({}),
  /** True on a conversation's first exchange: the AI service proposes a title afterwards. */
  generateTitle: z.boolean().default(false),
});

export const messageSent = defineEvent('message.sent', { 1: v1, 2: v2 }, 2);
