import { ProblemError } from '@versaai/kernel';
import type { UserStatus } from './profile.ts';

/**
 * Auth revokes a disabled user's sessions and the gateway refuses them at once; a token that
 * reaches this service another way (zero trust) is refused here as well, for the at most 15
 * minutes it would still verify.
 */
export function refuseDisabled(status: UserStatus | undefined): void {
  if (status !== 'disabled') return;
  throw new ProblemError({
    status: 401, code: 'USERS_ACCOUNT_DISABLED', detail: 'This account has been disabled.',
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}
