import { problem } from '@versaai/kernel';
import type { AuthCore } from './core-ports.ts';
import { hashPassword } from './passwords.ts';

/**
 * The account flows' view of auth's core. Sessions and token signing are being built; until
 * they are wired here there are no sessions to revoke or erase, and API-key exchange answers
 * 503 (the gateway reports AUTH_UNAVAILABLE) rather than pretend.
 */
export function createAuthCore(): AuthCore {
  return {
    revokeSessions: async () => [],
    eraseUser: async () => [],
    listSessions: async () => [],
    signAccessToken: async () => {
      throw problem.serviceUnavailable('AUTH_SIGNING_UNAVAILABLE', 'Access tokens cannot be issued yet.');
    },
    hashPassword: (password) => hashPassword(password),
    checkPasswordPolicy: (password) => (password.length < 10 ? 'Use at least 10 characters.' : undefined),
    clearRefreshCookie: () => {},
  };
}
