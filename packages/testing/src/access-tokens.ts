import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JSONWebKeySet } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TTL_SECONDS, ACCESS_TOKEN_TYPE, type Role, type TokenKind } from '@versaai/identity';
import type { ServiceDefinition } from '@versaai/runtime';

/** Claims of a test access token; everything but `sub` has the value a fresh session token has. */
export interface TestTokenClaims {
  sub: string;
  role?: Role;
  /** Session id, or `ak_<id>` for an API-key token. Default `sess-<sub>`. */
  sid?: string;
  kind?: TokenKind;
  /** Space-separated scopes (API-key tokens). */
  scope?: string;
  /** Seconds since the epoch; default now. */
  issuedAt?: number;
  /** Lifetime in seconds from issuedAt; default the real 900. */
  expiresInSeconds?: number;
}

export interface TestIssuer {
  kid: string;
  issuer: string;
  audience: string;
  /** The public key set, as auth serves it. */
  jwks: JSONWebKeySet;
  /** An access token exactly as auth signs one (EdDSA, kid, typ at+jwt, iss, aud, iat, exp, jti). */
  sign(claims: TestTokenClaims): Promise<string>;
  /** `Bearer <token>`, for an Authorization header. */
  bearer(claims: TestTokenClaims): Promise<string>;
  /**
   * A stand-in `auth` service serving the JWKS at /api/auth/.well-known/jwks.json: host it
   * with the services under test (startPlatform) and their verifier finds the keys there.
   */
  fakeAuthService: ServiceDefinition;
  /** The JWKS on a server of its own, for a service started alone with AUTH_JWKS_URL = url. */
  serveJwks(): Promise<{ url: string; close(): Promise<void> }>;
}

export interface TestIssuerOptions {
  /** Defaults match the platform's AUTH_ISSUER / AUTH_AUDIENCE defaults. */
  issuer?: string;
  audience?: string;
  kid?: string;
  /** More routes for the fake auth service (e.g. an API-key exchange). */
  authRoutes?: (app: FastifyInstance) => Promise<void>;
}

/** Mints access tokens for tests, signed by a fresh Ed25519 key, until the real auth can log users in. */
export async function createTestIssuer(opts: TestIssuerOptions = {}): Promise<TestIssuer> {
  const issuer = opts.issuer ?? 'versaai';
  const audience = opts.audience ?? 'versaai-api';
  const kid = opts.kid ?? `test-${randomUUID().slice(0, 8)}`;
  const pair = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { crv: 'Ed25519', extractable: true });
  const privateKey: CryptoKey = pair.privateKey;
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(pair.publicKey)), kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' }] };

  async function sign(claims: TestTokenClaims): Promise<string> {
    const issuedAt = claims.issuedAt ?? Math.floor(Date.now() / 1000);
    return new SignJWT({
      role: claims.role ?? 'user',
      sid: claims.sid ?? `sess-${claims.sub}`,
      kind: claims.kind ?? 'session',
      ...(claims.scope === undefined ? {} : { scope: claims.scope }),
    })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
      .setSubject(claims.sub)
      .setIssuer(issuer)
      .setAudience(audience)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + (claims.expiresInSeconds ?? ACCESS_TOKEN_TTL_SECONDS))
      .sign(privateKey);
  }

  const fakeAuthService: ServiceDefinition = {
    name: 'auth',
    migrations: [],
    async routes(app) {
      app.get('/.well-known/jwks.json', async () => jwks);
      await opts.authRoutes?.(app);
    },
  };

  async function serveJwks() {
    const server = createServer((request, response) => {
      const found = request.method === 'GET' && request.url === '/.well-known/jwks.json';
      response.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
      response.end(found ? JSON.stringify(jwks) : '{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
    };
  }

  return { kid, issuer, audience, jwks, sign, bearer: async (claims) => `Bearer ${await sign(claims)}`, fakeAuthService, serveJwks };
}
