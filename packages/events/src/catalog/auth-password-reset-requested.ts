import { z } from 'zod';
import { defineEvent } from './define-event.ts';

/** A password-reset e-mail should be sent; `url` holds the single-use token, like the verification event. */
const v1 = z.object({
  userId: z.string().min(1),
  email: z.email(),
  url: z.url(),
  expiresAt: z.iso.datetime({ offset: true }),
  locale: z.enum(['es', 'en']).optional(),
});

export const authPasswordResetRequested = defineEvent('auth.password_reset_requested', { 1: v1 }, 1);
