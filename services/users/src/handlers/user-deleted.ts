import type { EventEnvelope, EventHandler } from '@versaai/events';
import { preferencesRepository } from '../preferences-repository.ts';
import { profilesRepository } from '../profiles-repository.ts';

interface UserDeletedData { userId: string; deletedAt: string }

/**
 * The account is gone (auth deleted it): every row of this service about the user goes, in
 * the consumer's transaction. Deleting what is already gone is a no-op, so redeliveries are harmless.
 */
export const onUserDeleted: EventHandler = async (event: EventEnvelope<UserDeletedData>, { trx, logger }) => {
  await preferencesRepository.erase(trx, event.data.userId);
  await profilesRepository.erase(trx, event.data.userId);
  logger.info({ userId: event.data.userId }, 'user data erased');
};
