import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemError } from '@versaai/kernel';
import { bearerToken, isApiKey } from './bearer.ts';
import type { ApiKeyScope, Identity, Role } from './claims.ts';
import { invalidToken, type TokenVerifier } from './token-verifier.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once per request by whichever verifier saw the token first (the edge in all-in-one). */
    identity: Identity | undefined;
  }
  interface FastifyInstance {
    tokenVerifier: TokenVerifier | undefined;
  }
}

/** Gives an app (and every scope inside it) the verifier its routes' `authenticate` uses. */
export function installTokenVerifier(app: FastifyInstance, verifier: TokenVerifier): void {
  app.decorate('tokenVerifier', verifier);
  app.decorateRequest('identity', undefined);
}

export interface AuthenticateOptions {
  /** Roles allowed; default: any signed-in user. */
  roles?: readonly Role[];
  /** Scope an API key needs for this route; sessions always pass. */
  scope?: ApiKeyScope;
  /** Credential management (sessions, API keys, password): a person only, never an API key. */
  sessionOnly?: boolean;
}

function authRequired(): ProblemError {
  return new ProblemError({
    status: 401, code: 'AUTH_REQUIRED', detail: 'This endpoint needs an access token.', headers: { 'www-authenticate': 'Bearer' },
  });
}

/**
 * The identity of the request, verifying its bearer token if no one has yet. In all-in-one
 * the edge verified it already (same process, same object); a service on its own verifies
 * again, because a header is not proof (zero trust).
 */
export async function resolveIdentity(request: FastifyRequest): Promise<Identity | undefined> {
  if (request.identity) return request.identity;
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) return undefined;
  // The edge exchanges API keys for short-lived tokens; behind it, only tokens are accepted.
  if (isApiKey(token)) throw invalidToken('API keys are accepted at the gateway only.');
  const verifier = request.server.tokenVerifier;
  if (!verifier) throw new Error('No token verifier installed: call installTokenVerifier on the app');
  request.identity = await verifier.verify(token);
  return request.identity;
}

/**
 * A route hook that lets the request through only with an identity that satisfies `opts`.
 * Use it as `onRequest`: the caller is then refused before the body is parsed or validated,
 * so an anonymous client learns nothing about a protected route's schema.
 */
export function authenticate(opts: AuthenticateOptions = {}) {
  return async function requireIdentity(request: FastifyRequest): Promise<void> {
    const identity = await resolveIdentity(request);
    if (!identity) throw authRequired();
    assertAllowed(identity, opts);
  };
}

export function assertAllowed(identity: Identity, opts: AuthenticateOptions): void {
  if (opts.roles && !opts.roles.includes(identity.role)) {
    throw new ProblemError({ status: 403, code: 'AUTH_FORBIDDEN', detail: 'Your role does not allow this.' });
  }
  if (identity.kind === 'api_key') {
    if (opts.sessionOnly) throw new ProblemError({ status: 403, code: 'AUTH_SESSION_REQUIRED', detail: 'API keys cannot manage credentials.' });
    if (opts.scope && !identity.scopes.includes(opts.scope)) {
      throw new ProblemError({ status: 403, code: 'AUTH_SCOPE_MISSING', detail: `This API key lacks the "${opts.scope}" scope.` });
    }
  }
}
