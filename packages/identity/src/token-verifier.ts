import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { ProblemError } from '@versaai/kernel';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, isRole, isTokenKind, type Identity } from './claims.ts';

export interface TokenVerifierOptions {
  /** Resolves the public key for a token's header (`kid`); see remoteKeySet. */
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** Verified tokens remembered so a client's repeated token is checked once; 0 disables. */
  cacheSize?: number;
  now?: () => number;
}

export interface TokenVerifier {
  /** The caller's identity, or a 401 problem (503 when the signing keys cannot be fetched). */
  verify(token: string): Promise<Identity>;
  /**
   * The identity of a token this verifier already verified and that has not expired, without
   * waiting; undefined otherwise (then `verify` decides). Lets hot paths skip a promise.
   */
  cached?(token: string): Identity | undefined;
}

const INVALID_TOKEN_HEADERS = { 'www-authenticate': 'Bearer error="invalid_token"' };

export function invalidToken(detail = 'The access token is invalid.'): ProblemError {
  return new ProblemError({ status: 401, code: 'AUTH_TOKEN_INVALID', detail, headers: INVALID_TOKEN_HEADERS });
}

function expiredToken(): ProblemError {
  return new ProblemError({ status: 401, code: 'AUTH_TOKEN_EXPIRED', detail: 'The access token has expired.', headers: INVALID_TOKEN_HEADERS });
}

// Anything jose rejects about the token itself is the client's fault; anything else (the key
// set could not be fetched) is ours and must not read as "your token is bad".
const TOKEN_ERRORS = [
  errors.JWSInvalid, errors.JWTInvalid, errors.JWSSignatureVerificationFailed, errors.JWTClaimValidationFailed,
  errors.JOSEAlgNotAllowed, errors.JOSENotSupported, errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JWKInvalid,
];

function toProblem(error: unknown): ProblemError {
  if (error instanceof errors.JWTExpired) return expiredToken();
  if (TOKEN_ERRORS.some((kind) => error instanceof kind)) return invalidToken();
  return new ProblemError({ status: 503, code: 'AUTH_KEYS_UNAVAILABLE', detail: 'Access tokens cannot be verified right now.', headers: { 'retry-after': '5' } });
}

function identityOf(payload: Record<string, unknown>): Identity {
  const { sub, role, sid, kind, scope, exp } = payload;
  if (typeof sub !== 'string' || sub === '' || !isRole(role) || typeof sid !== 'string' || sid === '' || !isTokenKind(kind) || typeof exp !== 'number') {
    throw invalidToken('The access token lacks required claims.');
  }
  if (scope !== undefined && typeof scope !== 'string') throw invalidToken('The access token has a malformed scope.');
  return { userId: sub, role, sessionId: sid, kind, scopes: scope ? scope.split(' ') : [], expiresAt: exp };
}

/**
 * Local verification of access tokens against auth's public keys: one algorithm (EdDSA), the
 * access-token `typ`, issuer, audience and expiry all required. A verified token is cached
 * until it expires: the same bytes verify the same way, and signature checks are the costliest
 * step on the hot path.
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const now = opts.now ?? Date.now;
  const cacheSize = opts.cacheSize ?? 10_000;
  const cache = cacheSize > 0 ? new LRUCache<string, Identity>({ max: cacheSize }) : undefined;

  return {
    cached(token) {
      const identity = cache?.get(token);
      return identity && identity.expiresAt > Math.floor(now() / 1000) ? identity : undefined;
    },
    async verify(token) {
      const nowSeconds = Math.floor(now() / 1000);
      const cached = cache?.get(token);
      if (cached) {
        if (cached.expiresAt > nowSeconds) return cached;
        cache!.delete(token);
        throw expiredToken();
      }
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, opts.keys, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          typ: ACCESS_TOKEN_TYPE,
          issuer: opts.issuer,
          audience: opts.audience,
          requiredClaims: ['exp', 'iat', 'sub'],
          currentDate: new Date(nowSeconds * 1000),
        }));
      } catch (error) {
        throw toProblem(error);
      }
      const identity = identityOf(payload);
      cache?.set(token, identity);
      return identity;
    },
  };
}
