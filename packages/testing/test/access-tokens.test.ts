import { describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { createTokenVerifier, localKeySet, remoteKeySet } from '@versaai/identity';
import { createTestIssuer } from '../src/index.ts';

describe('createTestIssuer', () => {
  it('signs tokens the platform verifier accepts, with the contract header and claims', async () => {
    const issuer = await createTestIssuer();
    const verifier = createTokenVerifier({ keys: localKeySet(issuer.jwks), issuer: 'versaai', audience: 'versaai-api', cacheSize: 0 });
    const token = await issuer.sign({ sub: 'u1', role: 'admin', kind: 'api_key', sid: 'ak_7', scope: 'users:read chat:read' });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: issuer.kid, typ: 'at+jwt' });
    expect(await verifier.verify(token)).toMatchObject({ userId: 'u1', role: 'admin', kind: 'api_key', sessionId: 'ak_7', scopes: ['users:read', 'chat:read'] });
    expect(await verifier.verify(await issuer.sign({ sub: 'u2' }))).toMatchObject({ userId: 'u2', role: 'user', kind: 'session', sessionId: 'sess-u2', scopes: [] });
    expect((await issuer.bearer({ sub: 'u3' })).startsWith('Bearer ey')).toBe(true);
  });

  it('serves its JWKS over HTTP; another issuer key does not verify', async () => {
    const issuer = await createTestIssuer();
    const server = await issuer.serveJwks();
    try {
      const verifier = createTokenVerifier({ keys: remoteKeySet(server.url), issuer: issuer.issuer, audience: issuer.audience, cacheSize: 0 });
      expect((await verifier.verify(await issuer.sign({ sub: 'u1' }))).userId).toBe('u1');
      const stranger = await createTestIssuer({ kid: issuer.kid });
      await expect(verifier.verify(await stranger.sign({ sub: 'u1' }))).rejects.toMatchObject({ status: 401, code: 'AUTH_TOKEN_INVALID' });
      const expired = await issuer.sign({ sub: 'u1', issuedAt: Math.floor(Date.now() / 1000) - 1_000 });
      await expect(verifier.verify(expired)).rejects.toMatchObject({ status: 401, code: 'AUTH_TOKEN_EXPIRED' });
    } finally {
      await server.close();
    }
  });
});
