import { defineEvent } from './define-event.ts';
import { emailLinkV1 } from './email-link.ts';

/** A password-reset e-mail should be sent (the link sets a new password). */
export const authPasswordResetRequested = defineEvent('auth.password_reset_requested', { 1: emailLinkV1 }, 1);
