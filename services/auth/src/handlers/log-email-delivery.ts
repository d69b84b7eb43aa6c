import type { EventEnvelope, EventHandler } from '@versaai/events';
import type { AccountConfig } from '../account-config.ts';

interface EmailRequestedData { userId: string; email: string; url: string; expiresAt: string }

/**
 * Stands in for the notification service until it exists: records that an e-mail would go
 * out, never its link (the link is the token). In developer mode (AUTH_LOG_EMAIL_LINKS=true)
 * the link is written to stderr as a plain line: the JSON logger masks `token=` values on
 * purpose, and a developer without a mail server needs the link to click.
 */
export function logEmailDelivery(config: AccountConfig, write: (line: string) => void = (line) => process.stderr.write(line)): EventHandler {
  return async (event: EventEnvelope<EmailRequestedData>, { logger }) => {
    logger.info({ eventType: event.type, userId: event.data.userId }, 'e-mail requested (no notification service yet: not sent)');
    if (config.logEmailLinks) write(`[AUTH_LOG_EMAIL_LINKS] ${event.type} for user ${event.data.userId}: ${event.data.url}\n`);
  };
}
