import { weakPasswordProblem } from '../password-policy.ts';

/**
 * The schema only bounds what is worth reading; auth's password policy (length 10..256, not a
 * common password) answers 400 AUTH_PASSWORD_TOO_WEAK with a `reason`, as registration does.
 */
export const newPasswordSchema = { type: 'string', minLength: 1, maxLength: 1024 } as const;

export function requireAcceptablePassword(password: string): void {
  const problem = weakPasswordProblem(password);
  if (problem) throw problem;
}
