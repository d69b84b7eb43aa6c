import type { FastifyRequest } from 'fastify';
import { ProblemError } from '@versaai/kernel';
import { assertAllowed, bearerToken, isApiKey, streamAccessToken, type Identity, type TokenVerifier } from '@versaai/identity';
import type { RevocationList } from '@versaai/storage';
import type { GatewayRoute } from './route-table.ts';
import type { ApiKeyExchange } from './api-key-exchange.ts';

export interface EdgeAuthDeps {
  verifier: TokenVerifier;
  revocations: RevocationList;
  apiKeys: ApiKeyExchange;
  onRevocationCheckFailed(error: unknown): void;
}

function authRequired(): ProblemError {
  return new ProblemError({
    status: 401, code: 'AUTH_REQUIRED', detail: 'This endpoint needs an access token.', headers: { 'www-authenticate': 'Bearer' },
  });
}

function sessionRevoked(): ProblemError {
  return new ProblemError({
    status: 401, code: 'AUTH_SESSION_REVOKED', detail: 'This session or API key has been revoked.',
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

/**
 * Authenticates a request at the edge: verifies the bearer token (or trades an API key for
 * a short-lived token, which then replaces the key in the forwarded request), refuses a
 * revoked session at once, and applies the route's roles. A token sent to a public route is
 * checked too: a service behind it must never see an unverified identity.
 */
export function createEdgeAuth(deps: EdgeAuthDeps) {
  // Every request under a table route comes through here: the storage promises are awaited
  // directly (no wrapper per step) and a token verified before costs no wait at all.
  return async function authenticateAtEdge(request: FastifyRequest, route: GatewayRoute): Promise<Identity | undefined> {
    const token = route.streamToken ? streamAccessToken(request) : bearerToken(request.headers.authorization);
    if (token === undefined) {
      if (route.auth === 'required') throw authRequired();
      return undefined;
    }
    let identity: Identity;
    if (isApiKey(token)) {
      const exchanged = await deps.apiKeys.exchange(token);
      identity = exchanged.identity;
      request.headers.authorization = `Bearer ${exchanged.accessToken}`;
    } else {
      identity = deps.verifier.cached?.(token) ?? await deps.verifier.verify(token);
    }
    let revoked = false;
    try {
      revoked = await deps.revocations.isRevoked(identity.sessionId);
    } catch (error) {
      // Fail open: a token lives 15 minutes at most, and the whole API must not die with Redis.
      deps.onRevocationCheckFailed(error);
    }
    if (revoked) throw sessionRevoked();
    if (route.auth === 'required' && route.roles) assertAllowed(identity, { roles: route.roles });
    request.identity = identity;
    return identity;
  };
}

export type EdgeAuthenticate = ReturnType<typeof createEdgeAuth>;
