import { z } from 'zod';
import { defineEvent } from './define-event.ts';

const v1 = z.object({
  conversationId: z.string().min(1),
  messageId: z.string().min(1),
  userId: z.string().min(1),
  content: z.string(),
  model: z.string().optional(),
});

export const messageSent = defineEvent('message.sent', { 1: v1 }, 1);
