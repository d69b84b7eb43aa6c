import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
  return knownIdentity(request) ?? verifyIdentity(request);
}

/** The identity already set on the request, or that of a token its verifier has cached: no waiting. */
function knownIdentity(request: FastifyRequest): Identity | undefined {
  if (request.identity) return request.identity;
  const token = bearerToken(request.headers.authorization);
  if (token === undefined || isApiKey(token)) return undefined;
  request.identity = request.server.tokenVerifier?.cached?.(token);
  return request.identity;
}

async function verifyIdentity(request: FastifyRequest): Promise<Identity | undefined> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) return undefined;
  // The edge exchanges API keys for short-lived tokens; behind it, only tokens are accepted.
  if (isApiKey(token)) throw invalidToken('API keys are accepted at the gateway only.');
  const verifier = request.server.tokenVerifier;
  if (!verifier) throw new Error('No token verifier installed: call installTokenVerifier on the app');
  request.identity = await verifier.verify(token);
  return request.identity;
}

type HookDone = (error?: Error) => void;

/** Called by Fastify as a hook (with `done`), or awaited by other hooks (request only). */
export interface RequireIdentity {
  (request: FastifyRequest): Promise<void>;
  (request: FastifyRequest, reply: FastifyReply, done: HookDone): void;
}

/**
 * A route hook that lets the request through only with an identity that satisfies `opts`.
 * Use it as `onRequest`: the caller is then refused before the body is parsed or validated,
 * so an anonymous client learns nothing about a protected route's schema. As a Fastify hook
 * it answers at once when the identity is known (set by the edge in all-in-one, or a cached
 * token): no promise on the path every authenticated request takes.
 */
export function authenticate(opts: AuthenticateOptions = {}): RequireIdentity {
  const check = (identity: Identity | undefined): void => {
    if (!identity) throw authRequired();
    assertAllowed(identity, opts);
  };
  function requireIdentity(request: FastifyRequest): Promise<void>;
  function requireIdentity(request: FastifyRequest, reply: FastifyReply, done: HookDone): void;
  function requireIdentity(request: FastifyRequest, _reply?: FastifyReply, done?: HookDone): Promise<void> | void {
    if (!done) return resolveIdentity(request).then(check);
    let known: Identity | undefined;
    try {
      known = knownIdentity(request);
      if (known) check(known);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (known) {
      done();
      return;
    }
    verifyIdentity(request).then(check).then(() => done(), done);
  }
  return requireIdentity;
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
