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
  // (hundreds of characters) into the verifier's cache each time. A different header, or an
  // expired token, asks the verifier. `header` is kept only for a bearer header (a stream
  // route's token travels elsewhere), so a request without one never matches.
  const lastTokenOn = new WeakMap<object, { token: string; header: string | undefined; identity: Identity }>();
  // The same for an API key (kept apart: its header is replaced by the exchanged token's, and
  // the exchange's own freshness rule applies): a keep-alive client's key is then neither
  // parsed nor hashed into the exchange's cache on every request.
  const lastKeyOn = new WeakMap<object, { header: string; exchanged: Exchanged }>();

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
    const socket = request.raw.socket;
    const header = route.streamToken ? undefined : request.headers.authorization;
    let identity: Identity | undefined;
    const lastKey = header === undefined ? undefined : lastKeyOn.get(socket);
    if (isRevokedNow && lastKey !== undefined && header === lastKey.header && deps.apiKeys.fresh(lastKey.exchanged)) {
      return decideNow(request, route, forwardExchanged(request, lastKey.exchanged));
    }
    const last = lastTokenOn.get(socket);
    if (isRevokedNow && last !== undefined && header !== undefined && header === last.header && last.identity.expiresAt > Date.now() / 1000) {
      identity = last.identity;
    } else {
      const token = tokenOf(request, route);
      if (token === undefined) return NO_IDENTITY;
      if (!isRevokedNow) return undefined;
      if (isApiKey(token)) {
        // A key exchanged before, its token still fresh: the same answer `exchange` would give.
        const exchanged = deps.apiKeys.cached(token);
        if (!exchanged) return undefined;
        if (header !== undefined) lastKeyOn.set(socket, { header, exchanged });
        return decideNow(request, route, forwardExchanged(request, exchanged));
      }
      identity = last !== undefined && last.token === token && last.identity.expiresAt > Date.now() / 1000 ? last.identity : undefined;
      if (!identity) {
        identity = verifier.cached?.(token);
        if (!identity) return undefined;
      }
      lastTokenOn.set(socket, { token, header, identity });
    }
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
