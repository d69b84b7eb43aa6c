import type { EventEnvelope, EventHandler } from '@versaai/events';
import { isRole, type Role } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import { accountRepository, type AccountStatus } from '../account/account-repository.ts';
import { apiKeysRepository } from '../api-keys/api-keys-repository.ts';
import { REVOCATION_TTL_MS, type AuthCore } from '../core-ports.ts';

interface UserUpdatedData { userId: string; changes: Record<string, unknown> }

function isStatus(value: unknown): value is AccountStatus {
  return value === 'active' || value === 'disabled';
}

/**
 * Projects the users service's admin actions onto credentials: the role tokens carry and
 * whether the account may sign in. Disabling signs the person out everywhere: sessions and
 * API keys are deleted and their ids put on the revocation list, so tokens already issued
 * stop at the gateway at once and refresh fails. A role change ends the sessions too, so no
 * token keeps the old role beyond the next request; a demotion also pauses API-key tokens
 * already exchanged (their ids are listed for one token lifetime).
 */
export function onUserUpdated(ctx: ServiceContext, core: AuthCore): EventHandler {
  return async (event: EventEnvelope<UserUpdatedData>, { trx, logger }) => {
    const { userId, changes } = event.data;
    const role: Role | undefined = isRole(changes.role) ? changes.role : undefined;
    const status: AccountStatus | undefined = isStatus(changes.status) ? changes.status : undefined;
    if (role === undefined && status === undefined) return;
    const account = await accountRepository.findById(trx, userId);
    // Deleted meanwhile (or never registered here): nothing to project.
    if (!account) return;
    await accountRepository.setRoleAndStatus(trx, userId, { role, status });

    const revoked: string[] = [];
    const roleChanged = role !== undefined && role !== account.role;
    if (status === 'disabled' || roleChanged) revoked.push(...await core.revokeSessions(trx, userId, { reason: status === 'disabled' ? 'account_disabled' : 'role_changed' }));
    if (status === 'disabled') {
      revoked.push(...(await apiKeysRepository.deleteAllForUser(trx, userId)).map((id) => `ak_${id}`));
    } else if (roleChanged && account.role === 'admin') {
      revoked.push(...(await apiKeysRepository.idsForUser(trx, userId)).map((id) => `ak_${id}`));
    }
    if (revoked.length > 0) await ctx.revocations.revoke(revoked, REVOCATION_TTL_MS);
    logger.info({ userId, role, status, revoked: revoked.length }, 'credential role/status updated');
  };
}
