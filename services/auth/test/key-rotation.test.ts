import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { createTokenVerifier, remoteKeySet } from '@versaai/identity';
import { describeOnBothDialects } from '@versaai/testing';
import { join } from 'node:path';
import { rotateKeyFile } from '../src/keys/rotate.ts';
import { apiLogin, call, registered, startCoreAuth, type CoreAuth } from './core/core-platform.ts';

describeOnBothDialects('auth: key rotation while running', (harness) => {
  let auth: CoreAuth;
  let keyFile: string;

  beforeAll(async () => {
    keyFile = join(harness.dataDir, 'mounted-auth-keys.json');
    await rotateKeyFile(keyFile);
    // The key file as a distributed deployment mounts it; looked at on every use.
    auth = await startCoreAuth(harness, { env: { AUTH_KEYS: '', AUTH_KEYS_FILE: keyFile }, options: { keyCheckIntervalMs: 0 } });
  });
  afterAll(async () => {
    await auth?.stop();
  });

  it('signs with the new key at once; tokens of the retired key still verify; verifiers pick up the new kid without restart', async () => {
    const account = await registered(auth.url, 'rotation@example.org');
    // No refetch cooldown: in this test the rotation follows the first fetch within milliseconds.
    const verifier = createTokenVerifier({ keys: remoteKeySet(`${auth.url}/api/auth/.well-known/jwks.json`, { cooldownMs: 0 }), issuer: 'versaai', audience: 'versaai-api' });
    const before = await apiLogin(auth.url, account);
    const oldKid = decodeProtectedHeader(before.body.accessToken).kid;
    expect(await verifier.verify(before.body.accessToken)).toMatchObject({ userId: before.body.user.id });

    const rotation = await rotateKeyFile(keyFile);
    expect(rotation.retired).toEqual([oldKid]);
    const after = await apiLogin(auth.url, account);
    expect(decodeProtectedHeader(after.body.accessToken).kid).toBe(rotation.added.kid);
    const refreshed = await call(`${auth.url}/api/auth/refresh`, { body: { refreshToken: after.body.refreshToken } });
    expect(decodeProtectedHeader(refreshed.body.accessToken).kid).toBe(rotation.added.kid);

    const jwks = await call(`${auth.url}/api/auth/.well-known/jwks.json`);
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toEqual([oldKid, rotation.added.kid]);
    // The verifier cached the old set; the unknown kid makes it refetch.
    expect(await verifier.verify(after.body.accessToken)).toMatchObject({ userId: after.body.user.id });
    expect(await createTokenVerifier({ keys: remoteKeySet(`${auth.url}/api/auth/.well-known/jwks.json`), issuer: 'versaai', audience: 'versaai-api' })
      .verify(before.body.accessToken)).toMatchObject({ userId: before.body.user.id });
  });
});
