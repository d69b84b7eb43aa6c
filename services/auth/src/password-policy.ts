import { readFileSync } from 'node:fs';
import { problem, type ProblemError } from '@versaai/kernel';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

export type WeakPasswordReason = 'too_short' | 'too_long' | 'common';

const REASONS: Record<WeakPasswordReason, string> = {
  too_short: `The password must have at least ${PASSWORD_MIN_LENGTH} characters.`,
  too_long: `The password must have at most ${PASSWORD_MAX_LENGTH} characters.`,
  common: 'This password is one of the most common passwords; choose another.',
};

let commonPasswords: Set<string> | undefined;

/** The bundled list (assets/common-passwords.txt), loaded once on first use. */
function common(): Set<string> {
  commonPasswords ??= new Set(readFileSync(new URL('../assets/common-passwords.txt', import.meta.url), 'utf8').split('\n').filter(Boolean));
  return commonPasswords;
}

/** Undefined when the password is acceptable, else why not. Length counts characters (code points), not bytes. */
export function weakPasswordReason(password: string): WeakPasswordReason | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  if (common().has(password.toLowerCase())) return 'common';
  return undefined;
}

/** The text shown for a weak password, or undefined (the shape the account flows use). */
export function checkPasswordPolicy(password: string): string | undefined {
  const reason = weakPasswordReason(password);
  return reason && REASONS[reason];
}

/** 400 AUTH_PASSWORD_TOO_WEAK with `reason` for the web app to translate; undefined when acceptable. */
export function weakPasswordProblem(password: string): ProblemError | undefined {
  const reason = weakPasswordReason(password);
  return reason && problem.badRequest('AUTH_PASSWORD_TOO_WEAK', REASONS[reason], { reason });
}

/** Loads the list now (at boot) rather than on the first registration. */
export function preloadPasswordPolicy(): number {
  return common().size;
}
