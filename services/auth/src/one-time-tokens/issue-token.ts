import { createEvent } from '@versaai/events';
import type { Kysely } from 'kysely';
import type { Publish } from '@versaai/runtime';
import type { AccountConfig } from '../account-config.ts';
import { generateSecret, hashSecret } from '../secret-token.ts';
import { isoAfter } from '../time.ts';
import { oneTimeTokensRepository } from './one-time-tokens-repository.ts';

export interface TokenRecipient { userId: string; email: string }

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Which page of the web app opens each link. */
const LINK_PATHS = { email_verification: '/verify-email', password_reset: '/reset-password' } as const;

async function issue(trx: Db, publish: Publish, purpose: keyof typeof LINK_PATHS, recipient: TokenRecipient, config: AccountConfig, now: Date) {
  const token = generateSecret();
  const createdAt = now.toISOString();
  const expiresAt = isoAfter(now, purpose === 'email_verification' ? config.emailVerificationTtlMs : config.passwordResetTtlMs);
  await oneTimeTokensRepository.pruneForUser(trx, recipient.userId, purpose, createdAt);
  await oneTimeTokensRepository.insert(trx, { tokenHash: hashSecret(token), userId: recipient.userId, purpose, createdAt, expiresAt });
  const url = `${config.publicUrl}${LINK_PATHS[purpose]}?token=${encodeURIComponent(token)}`;
  const data = { userId: recipient.userId, email: recipient.email, url, expiresAt };
  const type = purpose === 'email_verification' ? 'auth.email_verification_requested' : 'auth.password_reset_requested';
  // The token row and the event commit together: no e-mail for a token that was never stored.
  await publish([createEvent(type, data, { source: 'auth', key: recipient.userId })]);
}

/**
 * Creates an e-mail verification token and asks for the e-mail, inside the caller's
 * transaction (registration calls it in the one that creates the credential).
 */
export function issueEmailVerification(trx: Db, publish: Publish, recipient: TokenRecipient, config: AccountConfig, now = new Date()): Promise<void> {
  return issue(trx, publish, 'email_verification', recipient, config, now);
}

export function issuePasswordReset(trx: Db, publish: Publish, recipient: TokenRecipient, config: AccountConfig, now = new Date()): Promise<void> {
  return issue(trx, publish, 'password_reset', recipient, config, now);
}
