import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

export interface RemoteKeySetOptions {
  /** After a miss on an unknown `kid`, the set is fetched again at most this often, ms. */
  cooldownMs?: number;
  /** Keys are fetched again after this age even without a miss, ms. */
  maxAgeMs?: number;
  timeoutMs?: number;
}

/**
 * Auth's JWKS fetched over HTTP and cached. A token signed by a freshly rotated key has an
 * unknown `kid`: that miss refetches the set (at most once per cooldown), so rotation needs
 * no restart of any verifier. The URL may be known only once this process listens (all-in-one
 * on PORT=0), hence the function form.
 */
export function remoteKeySet(url: string | (() => string), opts: RemoteKeySetOptions = {}): JWTVerifyGetKey {
  let keySet: ReturnType<typeof createRemoteJWKSet> | undefined;
  return (header, token) => {
    keySet ??= createRemoteJWKSet(new URL(typeof url === 'function' ? url() : url), {
      cooldownDuration: opts.cooldownMs ?? 5_000,
      cacheMaxAge: opts.maxAgeMs ?? 10 * 60_000,
      timeoutDuration: opts.timeoutMs ?? 5_000,
    });
    return keySet(header, token);
  };
}

/** A key set held in memory (tests, or a verifier living next to the signer). */
export function localKeySet(jwks: JSONWebKeySet | (() => JSONWebKeySet)): JWTVerifyGetKey {
  return (header, token) => createLocalJWKSet(typeof jwks === 'function' ? jwks() : jwks)(header, token);
}
