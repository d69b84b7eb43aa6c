import { problem } from '@versaai/kernel';
import { createEvent } from '@versaai/events';
import type { ServiceContext } from '@versaai/runtime';
import { refuseDisabled } from './account-status.ts';
import type { MeDocument } from './me.ts';
import { meRepository } from './me-repository.ts';
import { planPatch, type MePatch } from './me-patch.ts';
import { preferencesRepository } from './preferences-repository.ts';
import { profilesRepository } from './profiles-repository.ts';

export function userNotFound() {
  return problem.notFound('USER_NOT_FOUND', 'No user has this id.');
}

/** The caller's profile and preferences; 404 USER_NOT_FOUND before the profile exists. */
export function getMe(ctx: ServiceContext, userId: string): Promise<MeDocument> {
  return meRepository.find(ctx.db, userId).then((me) => {
    if (!me) throw userNotFound();
    return me;
  });
}

/**
 * GET /me's answer: the caller's document, refused when the account is disabled. Decided at
 * once where the database can answer without waiting (all-in-one SQLite: no promise on the
 * most frequent signed-in request), else through getMe; the same checks either way.
 */
export function readMe(ctx: ServiceContext, userId: string): MeDocument | Promise<MeDocument> {
  const found = meRepository.findNow(ctx.db, userId);
  if (!found) return getMe(ctx, userId).then(usable);
  if (!found.me) throw userNotFound();
  return usable(found.me);
}

function usable(me: MeDocument): MeDocument {
  refuseDisabled(me.status);
  return me;
}

/**
 * Applies a merge patch to the caller's own fields. The new state and the user.updated event
 * carrying only what changed are committed together (outbox); a patch that changes nothing
 * writes nothing and publishes nothing.
 */
export async function patchMe(ctx: ServiceContext, userId: string, patch: MePatch): Promise<MeDocument> {
  return ctx.transaction(async (trx, publish) => {
    const current = await meRepository.find(trx, userId, { forUpdate: ctx.database.dialect === 'postgres' });
    if (!current) throw userNotFound();
    refuseDisabled(current.status);
    const plan = planPatch(current, patch);
    if (Object.keys(plan.changes).length === 0) return current;
    const now = new Date().toISOString();
    await profilesRepository.update(trx, userId, plan.profile, now);
    if (plan.preferences) await preferencesRepository.save(trx, userId, plan.preferences, now);
    await publish([createEvent('user.updated', { userId, changes: plan.changes }, { source: ctx.name, key: userId })]);
    return { ...current, ...plan.profile, preferences: plan.preferences ?? current.preferences, updatedAt: now };
  });
}
