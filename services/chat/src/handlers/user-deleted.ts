import type { EventData, EventEnvelope, EventHandler } from '@versaai/events';
import { conversationsRepository } from '../conversations/conversations-repository.ts';
import { eraseUserShares } from '../shares/shares-repository.ts';

/**
 * The account is gone: every share link, conversation and message of the user goes, in the
 * consumer's transaction. Deleting what is already gone is a no-op, so redeliveries are harmless.
 */
export const onUserDeleted: EventHandler = async (event: EventEnvelope<EventData<'user.deleted'>>, { trx, logger }) => {
  await eraseUserShares(trx, event.data.userId);
  await conversationsRepository.eraseUser(trx, event.data.userId);
  logger.info({ userId: event.data.userId }, 'chat data erased');
};
