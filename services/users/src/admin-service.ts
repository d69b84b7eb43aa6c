import { problem } from '@versaai/kernel';
import { createEvent } from '@versaai/events';
import type { Role } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import { decodeCursor, encodeCursor } from './admin-cursor.ts';
import { userNotFound } from './me-service.ts';
import type { Profile, UserStatus } from './profile.ts';
import { profilesRepository } from './profiles-repository.ts';

export interface ListQuery { q?: string; status?: UserStatus; role?: Role; limit: number; cursor?: string }
export interface UserPage { items: Profile[]; nextCursor: string | null }

/** One page of users matching the filters, newest first, and the cursor of the next page (null on the last). */
export async function listUsers(ctx: ServiceContext, query: ListQuery): Promise<UserPage> {
  const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor).before;
  // One row more than asked tells whether another page exists without a count query.
  const rows = await profilesRepository.list(ctx.db, {
    query: query.q, status: query.status, role: query.role, limit: query.limit + 1, beforeUserId: before,
  });
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor({ before: last.userId }) : null };
}

export async function getUser(ctx: ServiceContext, userId: string): Promise<Profile> {
  const profile = await profilesRepository.findById(ctx.db, userId);
  if (!profile) throw userNotFound();
  return profile;
}

export type AdminChange = { status: UserStatus } | { role: Role };

/** True when the change would lock the acting admin out of administration. */
function locksSelfOut(change: AdminChange): boolean {
  return ('status' in change && change.status === 'disabled') || ('role' in change && change.role !== 'admin');
}

/**
 * An admin sets another user's status or role. The change and user.updated (auth projects it:
 * a disabled user cannot log in and loses every session) commit together; setting the value a
 * user already has changes nothing and publishes nothing.
 */
export async function changeUser(ctx: ServiceContext, actorId: string, userId: string, change: AdminChange): Promise<Profile> {
  // Refused before any lookup: otherwise the last admin could leave the platform without one.
  if (actorId === userId && locksSelfOut(change)) {
    throw problem.conflict('USERS_CANNOT_CHANGE_SELF', 'Admins cannot disable or demote themselves; ask another admin.');
  }
  return ctx.transaction(async (trx, publish) => {
    const current = await profilesRepository.findById(trx, userId, { forUpdate: ctx.database.dialect === 'postgres' });
    if (!current) throw userNotFound();
    const unchanged = 'status' in change ? current.status === change.status : current.role === change.role;
    if (unchanged) return current;
    const now = new Date().toISOString();
    await profilesRepository.update(trx, userId, change, now);
    await publish([createEvent('user.updated', { userId, changes: { ...change } }, { source: ctx.name, key: userId })]);
    ctx.logger.info({ actorId, userId, changes: change }, 'admin changed a user');
    return { ...current, ...change, updatedAt: now };
  });
}
