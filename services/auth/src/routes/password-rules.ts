import { problem } from '@versaai/kernel';
import type { AuthCore } from '../core-ports.ts';

/** The schema bounds of any new password; the policy (common passwords…) is auth core's. */
export const newPasswordSchema = { type: 'string', minLength: 10, maxLength: 256 } as const;

export async function requireAcceptablePassword(core: AuthCore, password: string): Promise<void> {
  const reason = await core.checkPasswordPolicy(password);
  if (reason !== undefined) throw problem.badRequest('AUTH_PASSWORD_TOO_WEAK', reason);
}
