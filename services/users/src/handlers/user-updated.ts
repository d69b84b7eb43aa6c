import { z } from 'zod';
import type { EventEnvelope, EventHandler } from '@versaai/events';
import { ROLES } from '@versaai/identity';
import { USER_STATUSES } from '../profile.ts';
import { profilesRepository } from '../profiles-repository.ts';

// Only what auth may set; anything else in `changes` belongs to other consumers.
const authChanges = z.object({ role: z.enum(ROLES).optional(), status: z.enum(USER_STATUSES).optional() });

interface UserUpdatedData { userId: string; changes: Record<string, unknown> }

/** Thrown to have the bus retry later (with backoff), not to report a bug. */
export class ProfileNotProjectedYet extends Error {}

/**
 * The users service is the source of role and status changes, except the first admin, whom
 * auth's `users create-admin` command creates: its user.updated {role: 'admin'} is applied
 * here. The service's own events come back on the same stream and are ignored.
 */
export const onUserUpdated: EventHandler = async (event: EventEnvelope<UserUpdatedData>, { trx }) => {
  if (event.source !== 'auth') return;
  const parsed = authChanges.safeParse(event.data.changes);
  if (!parsed.success) return;
  const { role, status } = parsed.data;
  if (role === undefined && status === undefined) return;
  const applied = await profilesRepository.update(trx, event.data.userId, { role, status }, event.occurredAt);
  // Each event type has its own stream, so this may overtake the user.registered that
  // creates the profile; failing makes the bus deliver it again once that has been handled.
  if (!applied) throw new ProfileNotProjectedYet(`No profile yet for user ${event.data.userId}; retrying`);
};
