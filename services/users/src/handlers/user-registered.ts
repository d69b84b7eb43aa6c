import type { EventEnvelope, EventHandler } from '@versaai/events';
import { profilesRepository } from '../profiles-repository.ts';

interface UserRegisteredData { userId: string; email: string; displayName?: string; registeredAt: string }

/**
 * Builds the profile from auth's registration. Runs inside the consumer's transaction with the
 * inbox insert, so a duplicate delivery is skipped before it gets here; the insert-or-ignore
 * covers a replayed dead letter as well.
 */
export const onUserRegistered: EventHandler = async (event: EventEnvelope<UserRegisteredData>, { trx }) => {
  await profilesRepository.createIfMissing(trx, {
    userId: event.data.userId,
    email: event.data.email,
    displayName: event.data.displayName ?? null,
    createdAt: event.data.registeredAt,
  });
};
