import type { Kysely } from 'kysely';
import { ACCESS_TOKEN_TTL_SECONDS } from '@versaai/identity';
import type { RevocationList } from '@versaai/storage';
import { sessionsRepository } from './sessions-repository.ts';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A revoked id stays listed one access-token lifetime plus a minute of clock skew: no token carrying it outlives that. */
export const SESSION_REVOCATION_TTL_MS = ACCESS_TOKEN_TTL_SECONDS * 1000 + 60_000;

export type RevokeReason = 'logout' | 'user_revoked' | 'revoke_others' | 'refresh_reuse' | 'password_changed' | 'password_reset'
  | 'account_disabled' | 'account_deleted' | (string & {});

/**
 * Revokes every active session of a user (all but `except`) in `trx`, and puts their ids on
 * the revocation list so the gateway refuses their access tokens at once. For password change
 * and reset, disabling and deleting an account. The list is written before the transaction
 * commits: if it rolls back, the sessions are refused at the edge for 16 minutes while still
 * valid here, the safe direction. Returns the revoked ids.
 */
export async function revokeUserSessions(trx: Db, revocations: RevocationList, userId: string,
  opts: { except?: string; reason: RevokeReason; now?: Date }): Promise<string[]> {
  const ids = await sessionsRepository.revokeAllOfUser(trx, userId, {
    reason: opts.reason, now: (opts.now ?? new Date()).toISOString(), except: opts.except,
  });
  if (ids.length > 0) await revocations.revoke(ids, SESSION_REVOCATION_TTL_MS);
  return ids;
}

/** One session: revoked in the database (only if it is the user's) and on the revocation list. */
export async function revokeSession(trx: Db, revocations: RevocationList, sessionId: string,
  opts: { userId?: string; reason: RevokeReason; now?: Date }): Promise<boolean> {
  const revoked = await sessionsRepository.revoke(trx, sessionId, {
    reason: opts.reason, now: (opts.now ?? new Date()).toISOString(), userId: opts.userId,
  });
  if (revoked) await revocations.revoke([sessionId], SESSION_REVOCATION_TTL_MS);
  return revoked;
}
