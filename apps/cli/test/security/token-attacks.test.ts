import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { requireService } from '@versaai/testing';
import { call, claimsOf, signUp, type Account } from './support/accounts.ts';
import { startAllInOne, startDistributed, type Target } from './support/targets.ts';

const hasPostgres = await requireService('postgres', 'token attacks on a distributed service');
const hasRedis = await requireService('redis', 'token attacks on a distributed service');

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

interface SigningKey { kid: string; privateJwk: JWK; publicJwk: JWK }

/** Tokens an attacker could present, each paired with why it must fail. */
async function attacks(victim: Account, key: SigningKey): Promise<Array<[string, string]>> {
  const claims = claimsOf(victim.accessToken);
  const [header, , signature] = victim.accessToken.split('.') as [string, string, string];
  const realKey = await importJWK({ ...key.privateJwk, alg: 'EdDSA' }, 'EdDSA');
  const now = Math.floor(Date.now() / 1000);
  const signWithRealKey = (overrides: Record<string, unknown>, headerOverrides: Record<string, unknown> = {}) =>
    new SignJWT({ ...claims, ...overrides }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt', ...headerOverrides }).sign(realKey);
  const stranger = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const hs256Header = b64url({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' });
  const hs256Payload = b64url({ ...claims, role: 'admin' });
  const macWith = (secret: string) => createHmac('sha256', secret).update(`${hs256Header}.${hs256Payload}`).digest('base64url');
  return [
    ['alg none', `${b64url({ alg: 'none', typ: 'at+jwt', kid: key.kid })}.${b64url({ ...claims, role: 'admin' })}.`],
    ['HS256 keyed with the public key (x)', `${hs256Header}.${hs256Payload}.${macWith(key.publicJwk.x!)}`],
    ['HS256 keyed with the public JWK', `${hs256Header}.${hs256Payload}.${macWith(JSON.stringify(key.publicJwk))}`],
    ['expired (real key)', await signWithRealKey({ iat: now - 3600, exp: now - 60 })],
    ['wrong issuer (real key)', await signWithRealKey({ iss: 'https://evil.example' })],
    ['wrong audience (real key)', await signWithRealKey({ aud: 'another-api' })],
    ['tampered payload (role admin, original signature)', `${header}.${b64url({ ...claims, role: 'admin' })}.${signature}`],
    ['unknown kid (foreign key)', await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: 'attacker-kid', typ: 'at+jwt' }).sign(stranger.privateKey)],
    ['known kid, foreign key', await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' }).sign(stranger.privateKey)],
    ['not an access token (typ JWT)', await signWithRealKey({}, { typ: 'JWT' })],
    ['garbage', 'not.a.jwt'],
  ];
}

async function signingKey(target: Target): Promise<SigningKey> {
  const file = JSON.parse(await readFile(target.keyFile, 'utf8')) as { keys: Array<SigningKey & { retiredAt?: string }> };
  const key = file.keys.filter((each) => !each.retiredAt).at(-1)!;
  return { ...key, publicJwk: key.publicJwk.x ? key.publicJwk : { ...(await exportJWK(await importJWK(key.publicJwk))) } };
}

const topologies = [
  { name: 'all-in-one, at the gateway', start: startAllInOne, enabled: true, via: (target: Target) => target.gatewayUrl },
  { name: 'distributed, at the gateway', start: startDistributed, enabled: hasPostgres && hasRedis, via: (target: Target) => target.gatewayUrl },
];

for (const topology of topologies) {
  describe.skipIf(!topology.enabled)(`token attacks: ${topology.name}`, () => {
    let target: Target;
    let victim: Account;

    beforeAll(async () => {
      target = await topology.start();
      victim = await signUp(target.gatewayUrl, 'victim');
    }, 300_000);

    afterAll(async () => {
      await target?.stop();
    });

    it('accepts the genuine token (the attacks below fail for their flaw, not for a broken setup)', async () => {
      expect((await call(topology.via(target), 'GET', '/api/users/me', { bearer: victim.bearer })).status).toBe(200);
    });

    it('answers 401 problem+json to every forged, expired, misdirected or tampered token', async () => {
      // A route of each service process that needs a session; the gateway is attacked on /me.
      const guarded: Record<string, string> = { auth: '/api/auth/sessions', users: '/api/users/me', chat: '/api/chat/conversations', ai: '/api/ai/usage' };
      const pathAt = new Map<string, string>([[topology.via(target), '/api/users/me']]);
      for (const [service, base] of Object.entries(target.serviceUrls)) {
        const path = guarded[service.replace(/-\d+$/, '')];
        expect(path, `a guarded route of the ${service} service`).toBeDefined();
        pathAt.set(base, path!);
      }
      const wrong: string[] = [];
      for (const [name, token] of await attacks(victim, await signingKey(target))) {
        for (const [base, path] of pathAt) {
          const response = await call(base, 'GET', path, { bearer: `Bearer ${token}` });
          if (response.status !== 401 || !response.contentType.includes('application/problem+json')) wrong.push(`${name} at ${base}${path} → ${response.status}`);
        }
        const admin = await call(topology.via(target), 'GET', '/api/users/admin/users', { bearer: `Bearer ${token}` });
        if (admin.status !== 401) wrong.push(`${name} on an admin route → ${admin.status}`);
      }
      expect(wrong).toEqual([]);
    });

    it('answers 401 to the access token of a session that logged out, at once', async () => {
      const session = await signUp(target.gatewayUrl, 'leaving');
      expect((await call(target.gatewayUrl, 'GET', '/api/users/me', { bearer: session.bearer })).status).toBe(200);
      const logout = await call(target.gatewayUrl, 'POST', '/api/auth/logout', { bearer: session.bearer, body: { refreshToken: session.refreshToken } });
      expect(logout.status).toBeLessThan(300);
      const after = await call(target.gatewayUrl, 'GET', '/api/users/me', { bearer: session.bearer });
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('AUTH_SESSION_REVOKED');
    });
  });
}
