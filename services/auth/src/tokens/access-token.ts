import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TTL_SECONDS, ACCESS_TOKEN_TYPE, type AccessTokenClaims } from '@versaai/identity';
import type { KeyStore } from '../keys/key-store.ts';

export interface AccessTokenSigner {
  /** An access token per the identity contract; `expiresIn` in seconds. */
  sign(claims: AccessTokenClaims): Promise<{ token: string; expiresIn: number }>;
}

/** Auth is the only signer: EdDSA with the current key's kid, typ at+jwt, 15 minutes. */
export function createAccessTokenSigner(opts: { keys: KeyStore; issuer: string; audience: string; now?: () => number }): AccessTokenSigner {
  const now = opts.now ?? Date.now;
  return {
    async sign(claims) {
      const { kid, key } = await opts.keys.signingKey();
      const issuedAt = Math.floor(now() / 1000);
      const payload: Record<string, unknown> = { role: claims.role, sid: claims.sid, kind: claims.kind };
      if (claims.scope !== undefined) payload.scope = claims.scope;
      const token = await new SignJWT(payload)
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
        .setIssuer(opts.issuer)
        .setAudience(opts.audience)
        .setSubject(claims.sub)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ACCESS_TOKEN_TTL_SECONDS)
        .setJti(randomUUID())
        .sign(key);
      return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
    },
  };
}
