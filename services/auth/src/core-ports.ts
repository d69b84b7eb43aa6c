import type { Kysely } from 'kysely';
import type { FastifyReply } from 'fastify';
import type { AccessTokenClaims } from '@versaai/identity';

type Db = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * What the account flows (reset, password change, API keys, deletion, role/status projection)
 * need from auth's core (sessions, token signing, password hashing). Kept as a narrow port so
 * these flows do not depend on how the core stores sessions or holds keys.
 */
export interface AuthCore {
  /**
   * Revokes the user's sessions (refresh tokens included) inside `trx`, all but `exceptSessionId`;
   * returns the revoked session ids for the revocation list. `reason` is recorded on each session.
   */
  revokeSessions(trx: Db, userId: string, opts?: { exceptSessionId?: string; reason?: string }): Promise<string[]>;
  /** Deletes every session, refresh token and throttle row about the user; returns the session ids. */
  eraseUser(trx: Db, user: { userId: string; email: string }): Promise<string[]>;
  /** The user's sessions without secrets, for the privacy export. */
  listSessions(db: Db, userId: string): Promise<Array<Record<string, unknown>>>;
  /** Signs an access token with the current key; `expiresIn` in seconds. */
  signAccessToken(claims: AccessTokenClaims): Promise<{ token: string; expiresIn: number }>;
  /** argon2id with the configured parameters (ARGON2_*). */
  hashPassword(password: string): Promise<string>;
  /** Expires the web app's refresh cookie on a response. */
  clearRefreshCookie(reply: FastifyReply): void;
}

/** Revoked ids stay on the list one access-token lifetime and a minute of clock skew. */
export const REVOCATION_TTL_MS = 15 * 60_000 + 60_000;
