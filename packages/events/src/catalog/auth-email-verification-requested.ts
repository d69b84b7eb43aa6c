import { defineEvent } from './define-event.ts';
import { emailLinkV1 } from './email-link.ts';

/** A verification e-mail should be sent (the link confirms the address). */
export const authEmailVerificationRequested = defineEvent('auth.email_verification_requested', { 1: emailLinkV1 }, 1);
