export {
  ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TTL_SECONDS, ACCESS_TOKEN_TYPE, API_KEY_SCOPES, ROLES, TOKEN_KINDS, isRole, isTokenKind,
  type AccessTokenClaims, type ApiKeyScope, type Identity, type Role, type TokenKind,
} from './claims.ts';
export { API_KEY_PREFIX, bearerToken, isApiKey } from './bearer.ts';
export { createTokenVerifier, invalidToken, type TokenVerifier, type TokenVerifierOptions } from './token-verifier.ts';
export { localKeySet, remoteKeySet, type RemoteKeySetOptions } from './key-sets.ts';
export { assertAllowed, authenticate, installTokenVerifier, resolveIdentity, type AuthenticateOptions, type RequireIdentity } from './authenticate.ts';
export { STREAM_BEARER_PROTOCOL_PREFIX, STREAM_PROTOCOL, streamAccessToken } from './stream-token.ts';
