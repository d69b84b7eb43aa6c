import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { ProblemError } from '@versaai/kernel';
import { createTokenVerifier, localKeySet, remoteKeySet, type TokenVerifier } from '../src/index.ts';

const ISSUER = 'versaai-test';
const AUDIENCE = 'versaai-api';

interface SigningKey { kid: string; privateKey: CryptoKey; publicJwk: JWK }

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

function sign(key: SigningKey, overrides: { claims?: Record<string, unknown>; header?: Record<string, unknown>; iss?: string; aud?: string; exp?: number } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'user', sid: 's1', kind: 'session', ...overrides.claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt', ...overrides.header })
    .setSubject('user-1').setIssuer(overrides.iss ?? ISSUER).setAudience(overrides.aud ?? AUDIENCE)
    .setIssuedAt(now).setExpirationTime(overrides.exp ?? now + 900)
    .sign(key.privateKey);
}

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

async function rejection(verifier: TokenVerifier, token: string): Promise<ProblemError> {
  const error = await verifier.verify(token).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

describe('createTokenVerifier', () => {
  let key: SigningKey;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    key = await signingKey('k1');
    verifier = createTokenVerifier({ keys: localKeySet({ keys: [key.publicJwk] }), issuer: ISSUER, audience: AUDIENCE, cacheSize: 0 });
  });

  it('returns the identity of a valid token', async () => {
    const identity = await verifier.verify(await sign(key, { claims: { role: 'admin', scope: 'users:read chat:read', kind: 'api_key', sid: 'ak_1' } }));
    expect(identity).toMatchObject({ userId: 'user-1', role: 'admin', sessionId: 'ak_1', kind: 'api_key', scopes: ['users:read', 'chat:read'] });
  });

  it('rejects alg none', async () => {
    const [header, payload] = (await sign(key)).split('.');
    const parsed = JSON.parse(Buffer.from(header!, 'base64url').toString());
    const unsigned = `${b64url({ ...parsed, alg: 'none' })}.${payload}.`;
    expect((await rejection(verifier, unsigned)).code).toBe('AUTH_TOKEN_INVALID');
  });

  it('rejects HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    const [, payload] = (await sign(key)).split('.');
    const header = b64url({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' });
    const mac = createHmac('sha256', JSON.stringify(key.publicJwk)).update(`${header}.${payload}`).digest('base64url');
    const forged = `${header}.${payload}.${mac}`;
    const macWithX = createHmac('sha256', key.publicJwk.x!).update(`${header}.${payload}`).digest('base64url');
    expect((await rejection(verifier, forged)).status).toBe(401);
    expect((await rejection(verifier, `${header}.${payload}.${macWithX}`)).status).toBe(401);
  });

  it('rejects an expired token with its own code', async () => {
    const error = await rejection(verifier, await sign(key, { exp: Math.floor(Date.now() / 1000) - 10 }));
    expect(error.code).toBe('AUTH_TOKEN_EXPIRED');
    expect(error.headers?.['www-authenticate']).toContain('invalid_token');
  });

  it('rejects a wrong issuer or audience', async () => {
    expect((await rejection(verifier, await sign(key, { iss: 'evil' }))).code).toBe('AUTH_TOKEN_INVALID');
    expect((await rejection(verifier, await sign(key, { aud: 'other-api' }))).code).toBe('AUTH_TOKEN_INVALID');
  });

  it('rejects a tampered payload', async () => {
    const [header, payload, signature] = (await sign(key)).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect((await rejection(verifier, `${header}.${b64url({ ...claims, role: 'admin' })}.${signature}`)).code).toBe('AUTH_TOKEN_INVALID');
  });

  it('rejects an unknown kid and a key outside the set', async () => {
    const stranger = await signingKey('k1');
    expect((await rejection(verifier, await sign(stranger))).code).toBe('AUTH_TOKEN_INVALID');
    expect((await rejection(verifier, await sign(key, { header: { kid: 'nope' } }))).code).toBe('AUTH_TOKEN_INVALID');
  });

  it('rejects a JWT that is not an access token (typ) or lacks the VersaAI claims', async () => {
    expect((await rejection(verifier, await sign(key, { header: { typ: 'JWT' } }))).code).toBe('AUTH_TOKEN_INVALID');
    expect((await rejection(verifier, await sign(key, { claims: { role: 'root' } }))).code).toBe('AUTH_TOKEN_INVALID');
    expect((await rejection(verifier, await sign(key, { claims: { sid: undefined } }))).code).toBe('AUTH_TOKEN_INVALID');
  });

  it('rejects garbage', async () => {
    for (const token of ['', 'a.b.c', 'not-a-jwt', '....', `${b64url('{')}.e30.`]) {
      expect((await rejection(verifier, token)).status).toBe(401);
    }
  });

  it('serves a cached token only until it expires', async () => {
    let now = Date.now();
    const cached = createTokenVerifier({ keys: localKeySet({ keys: [key.publicJwk] }), issuer: ISSUER, audience: AUDIENCE, now: () => now });
    const token = await sign(key, { exp: Math.floor(now / 1000) + 60 });
    // Nothing is known without waiting before the token has been verified once.
    expect(cached.cached!(token)).toBeUndefined();
    const identity = await cached.verify(token);
    await cached.verify(token);
    expect(cached.cached!(token)).toBe(identity);
    expect(cached.cached!(`${token}x`)).toBeUndefined();
    now += 61_000;
    expect(cached.cached!(token)).toBeUndefined();
    expect((await rejection(cached, token)).code).toBe('AUTH_TOKEN_EXPIRED');
  });
});

describe('remoteKeySet', () => {
  let server: Server;
  let url: string;
  let served: JWK[] = [];
  let fetches = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      fetches += 1;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: served }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches once, then refetches on an unknown kid so a rotated key verifies without restart', async () => {
    const first = await signingKey('old');
    const second = await signingKey('new');
    served = [first.publicJwk];
    const verifier = createTokenVerifier({ keys: remoteKeySet(() => url, { cooldownMs: 0 }), issuer: ISSUER, audience: AUDIENCE, cacheSize: 0 });
    await verifier.verify(await sign(first));
    await verifier.verify(await sign(first));
    expect(fetches).toBe(1);
    served = [second.publicJwk, first.publicJwk];
    await verifier.verify(await sign(second));
    await verifier.verify(await sign(first));
    expect(fetches).toBe(2);
  });

  it('answers 503, not 401, when the key set cannot be fetched', async () => {
    const verifier = createTokenVerifier({ keys: remoteKeySet('http://127.0.0.1:1/jwks.json'), issuer: ISSUER, audience: AUDIENCE });
    const error = await rejection(verifier, await sign(await signingKey('x')));
    expect(error.status).toBe(503);
    expect(error.code).toBe('AUTH_KEYS_UNAVAILABLE');
  });
});
