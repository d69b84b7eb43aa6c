import { createEvent } from '@versaai/events';
import type { Kysely } from 'kysely';
import type { Publish } from '@versaai/runtime';
import { apiKeysRepository } from '../api-keys/api-keys-repository.ts';
import type { AuthCore } from '../core-ports.ts';
import { oneTimeTokensRepository } from '../one-time-tokens/one-time-tokens-repository.ts';
import { accountRepository } from './account-repository.ts';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Deletes every auth row about the user and publishes user.deleted, inside the caller's
 * transaction. Returns the session and API-key ids to put on the revocation list, or
 * undefined when the account is already gone (deletion is idempotent: nothing is published twice).
 */
export async function eraseAccount(trx: Db, publish: Publish, core: AuthCore, userId: string, now = new Date()): Promise<string[] | undefined> {
  const account = await accountRepository.findById(trx, userId);
  if (!account) return undefined;
  const sessionIds = await core.eraseUser(trx, { userId, email: account.email });
  const apiKeyIds = await apiKeysRepository.deleteAllForUser(trx, userId);
  await oneTimeTokensRepository.deleteForUser(trx, userId);
  await accountRepository.delete(trx, userId);
  await publish([createEvent('user.deleted', { userId, deletedAt: now.toISOString() }, { source: 'auth', key: userId })]);
  return [...sessionIds, ...apiKeyIds.map((id) => `ak_${id}`)];
}
