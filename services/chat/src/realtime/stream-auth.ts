import type { FastifyRequest } from 'fastify';
import { ProblemError } from '@versaai/kernel';
import { assertAllowed, invalidToken, isApiKey, streamAccessToken, type Identity } from '@versaai/identity';
import type { RevocationList } from '@versaai/storage';

function authRequired(): ProblemError {
  return new ProblemError({
    status: 401, code: 'AUTH_REQUIRED', detail: 'This endpoint needs an access token.', headers: { 'www-authenticate': 'Bearer' },
  });
}

/**
 * The identity of a stream request, verified here whatever the edge did (zero trust): the
 * token comes from the header, the WebSocket subprotocol or the EventSource query (see
 * streamAccessToken). In all-in-one the edge already verified this same token in this process,
 * so its identity object is reused. A revoked session is refused.
 */
export function streamAuthenticator(revocations: RevocationList) {
  return async function authenticateStream(request: FastifyRequest): Promise<Identity> {
    let identity = request.identity;
    if (!identity) {
      const token = streamAccessToken(request);
      if (token === undefined) throw authRequired();
      if (isApiKey(token)) throw invalidToken('API keys are accepted at the gateway only.');
      const verifier = request.server.tokenVerifier;
      if (!verifier) throw new Error('No token verifier installed: call installTokenVerifier on the app');
      identity = await verifier.verify(token);
    }
    assertAllowed(identity, { scope: 'chat:read' });
    const revoked = await revocations.isRevoked(identity.sessionId).catch(() => false);
    if (revoked) {
      throw new ProblemError({ status: 401, code: 'AUTH_SESSION_REVOKED', detail: 'This session or API key has been revoked.', headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    }
    request.identity = identity;
    return identity;
  };
}

/** Milliseconds until the token expires (at least 0): the connection is closed then. */
export function msUntilExpiry(identity: Identity, now = Date.now()): number {
  return Math.max(0, identity.expiresAt * 1000 - now);
}
