import { z } from 'zod';
import { defineEvent } from './define-event.ts';

/** The AI service's proposal for a conversation's title, made after its first exchange. */
const v1 = z.object({
  conversationId: z.string().min(1),
  userId: z.string().min(1),
  title: z.string().min(1).max(200),
});

export const conversationTitleGenerated = defineEvent('conversation.title.generated', { 1: v1 }, 1);
