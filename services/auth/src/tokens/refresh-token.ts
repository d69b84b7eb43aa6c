import { createHash, randomBytes } from 'node:crypto';

/**
 * Refresh tokens are opaque: 32 random bytes, base64url. Only their SHA-256 is stored; with
 * 256 bits of entropy there is nothing to brute-force, so a slow hash would add cost only.
 */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Cheap shape check before touching the database: 32 bytes in base64url are 43 characters. */
export function looksLikeRefreshToken(token: unknown): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);
}
