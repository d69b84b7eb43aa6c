/**
 * The access-token contract between auth (the only signer) and every verifier (gateway and
 * services). Claims are standard JWT names plus `role`, `sid` and `scope`.
 */
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** `session`: a person logged in; `api_key`: a program holding an API key of that person. */
export const TOKEN_KINDS = ['session', 'api_key'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** JOSE `typ` of access tokens (RFC 9068), so an ID token or other JWT cannot pass as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** The one signing algorithm accepted: asymmetric, so verifiers hold no secret. */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

/** Who is calling, as proven by a verified access token. */
export interface Identity {
  userId: string;
  role: Role;
  /** Session id, or `ak_<id>` for an API key: what the revocation list is keyed by. */
  sessionId: string;
  kind: TokenKind;
  /** Empty for sessions (full access of the role); an API key's granted scopes otherwise. */
  scopes: readonly string[];
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** Claims auth puts in an access token (besides iss, aud, iat, exp, jti). */
export interface AccessTokenClaims {
  sub: string;
  role: Role;
  sid: string;
  kind: TokenKind;
  scope?: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isTokenKind(value: unknown): value is TokenKind {
  return typeof value === 'string' && (TOKEN_KINDS as readonly string[]).includes(value);
}

/**
 * What an API key may be granted. A session has every scope of its role; an API key only
 * those it was created with, and never the credential routes (sessions, keys, password).
 */
export const API_KEY_SCOPES = ['users:read', 'users:write', 'chat:read', 'chat:write', 'ai:use'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
