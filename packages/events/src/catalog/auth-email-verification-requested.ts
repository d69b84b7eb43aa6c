import { z } from 'zod';
import { defineEvent } from './define-event.ts';

/**
 * A verification e-mail should be sent. `url` holds the single-use token (auth stores only its
 * hash): the notification service delivers it and nobody logs it.
 */
const v1 = z.object({
  userId: z.string().min(1),
  email: z.email(),
  url: z.url(),
  expiresAt: z.iso.datetime({ offset: true }),
  locale: z.enum(['es', 'en']).optional(),
});

export const authEmailVerificationRequested = defineEvent('auth.email_verification_requested', { 1: v1 }, 1);
