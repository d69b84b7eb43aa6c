import type { FastifyRequest } from 'fastify';
import { ProblemError } from '@versaai/kernel';
import { assertAllowed, bearerToken, isApiKey, streamAccessToken, type Identity, type TokenVerifier } from '@versaai/identity';
import type { RevocationList } from '@versaai/storage';
import type { GatewayRoute } from './route-table.ts';
import type { ApiKeyExchange, Exchanged } from './api-key-exchange.ts';

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
  const { verifier, revocations } = deps;
  const isRevokedNow = revocations.isRevokedNow?.bind(revocations);
  // A keep-alive client sends the same Authorization header on every request of its connection:
  // comparing it with the connection's last one skips parsing it and hashing the whole token
  // (hundreds of characters) into the verifier's cache, or an API key into the exchange's,
  // each time. A different header, or an expired token, decides the ordinary way. `header` is
  // kept only for a bearer header (a stream route's token travels elsewhere), so a request
  // without one never matches. For an API key, `exchanged` is what the exchange answered.
  const lastOn = new WeakMap<object, { header: string | undefined; token: string; identity: Identity; exchanged?: Exchanged }>();
  const unexpired = (identity: Identity): boolean => identity.expiresAt > Date.now() / 1000;

  function tokenOf(request: FastifyRequest, route: GatewayRoute): string | undefined {
    const token = route.streamToken ? streamAccessToken(request) : bearerToken(request.headers.authorization);
    if (token === undefined && route.auth === 'required') throw authRequired();
    return token;
  }

  function accept(request: FastifyRequest, route: GatewayRoute, identity: Identity, revoked: boolean): Identity {
    if (revoked) throw sessionRevoked();
    if (route.auth === 'required' && route.roles) assertAllowed(identity, { roles: route.roles });
    request.identity = identity;
    return identity;
  }

  // Every request under a table route comes through here: the storage promises are awaited
  // directly (no wrapper per step) and a token verified before costs no wait at all.
  async function authenticateAtEdge(request: FastifyRequest, route: GatewayRoute): Promise<Identity | undefined> {
    const token = tokenOf(request, route);
    if (token === undefined) return undefined;
    let identity: Identity;
    if (isApiKey(token)) {
      identity = forwardExchanged(request, await deps.apiKeys.exchange(token));
    } else {
      identity = verifier.cached?.(token) ?? await verifier.verify(token);
    }
    let revoked = false;
    try {
      revoked = await revocations.isRevoked(identity.sessionId);
    } catch (error) {
      // Fail open: a token lives 15 minutes at most, and the whole API must not die with Redis.
      deps.onRevocationCheckFailed(error);
    }
    return accept(request, route, identity, revoked);
  }

  /**
   * The same decision taken at once when nothing needs waiting for: no token, or a token this
   * edge verified before (still unexpired) and a revocation list in this process's memory —
   * the all-in-one's every signed-in request. Undefined when `authenticateAtEdge` must decide;
   * throws the same problems it would.
   */
  authenticateAtEdge.now = (request: FastifyRequest, route: GatewayRoute): { identity: Identity | undefined } | undefined => {
    if (!isRevokedNow) return tokenOf(request, route) === undefined ? NO_IDENTITY : undefined;
    const socket = request.raw.socket;
    const header = route.streamToken ? undefined : request.headers.authorization;
    const last = lastOn.get(socket);
    if (last !== undefined && header !== undefined && header === last.header) {
      // The exchange's own freshness rule for a key's token; the token's expiry otherwise.
      if (last.exchanged ? deps.apiKeys.fresh(last.exchanged) : unexpired(last.identity)) {
        return decideNow(request, route, last.exchanged ? forwardExchanged(request, last.exchanged) : last.identity);
      }
    }
    const token = tokenOf(request, route);
    if (token === undefined) return NO_IDENTITY;
    if (isApiKey(token)) {
      // A key exchanged before, its token still fresh: the same answer `exchange` would give.
      const exchanged = deps.apiKeys.cached(token);
      if (!exchanged) return undefined;
      lastOn.set(socket, { header, token, identity: exchanged.identity, exchanged });
      return decideNow(request, route, forwardExchanged(request, exchanged));
    }
    // The same token in a header written differently (case, spacing) is the same credential.
    const identity = last !== undefined && last.token === token && unexpired(last.identity) ? last.identity : verifier.cached?.(token);
    if (!identity) return undefined;
    lastOn.set(socket, { header, token, identity });
    return decideNow(request, route, identity);
  };

  /** The revocation check and route rules of `now`, on the in-memory revocation list. */
  function decideNow(request: FastifyRequest, route: GatewayRoute, identity: Identity): { identity: Identity } {
    let revoked = false;
    try {
      revoked = isRevokedNow!(identity.sessionId);
    } catch (error) {
      deps.onRevocationCheckFailed(error);
    }
    return { identity: accept(request, route, identity, revoked) };
  }

  /** The key is replaced by its access token in the forwarded request, as in authenticateAtEdge. */
  function forwardExchanged(request: FastifyRequest, exchanged: Exchanged): Identity {
    request.headers.authorization = `Bearer ${exchanged.accessToken}`;
    return exchanged.identity;
  }

  return authenticateAtEdge;
}

const NO_IDENTITY = Object.freeze({ identity: undefined });

export type EdgeAuthenticate = ReturnType<typeof createEdgeAuth>;
