import { problem, type ProblemError } from '@versaai/kernel';

/** One answer for unknown, used and expired tokens alike: the client learns nothing about which. */
export function tokenInvalidOrExpired(): ProblemError {
  return problem.badRequest('AUTH_TOKEN_INVALID_OR_EXPIRED', 'This link is invalid or has expired. Ask for a new one.');
}

/** Body schema of a one-time token; its real shape is 43 base64url characters, anything else simply fails the lookup. */
export const tokenSchema = { type: 'string', minLength: 1, maxLength: 128 } as const;
