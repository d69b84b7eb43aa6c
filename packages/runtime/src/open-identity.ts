import { ConfigError } from '@versaai/kernel';
import type { JWTVerifyGetKey } from 'jose';
import { createTokenVerifier, remoteKeySet, type TokenVerifier } from '@versaai/identity';
import { createMemoryPubSub, createMemoryRevocationList, createMemoryResponseStreamStore, createRedisPubSub, createRedisResponseStreamStore, createRedisRevocationList,
  type PubSub, type ResponseStreamStore, type RevocationList } from '@versaai/storage';
import type { PlatformConfig } from './platform-config.ts';

/** Where auth publishes its public keys, relative to auth's base URL. */
export const JWKS_PATH = '/api/auth/.well-known/jwks.json';

/**
 * The JWKS URL verifiers in this process use: set explicitly, or this very process when it
 * hosts auth (all-in-one; known only once listening), or auth's first upstream.
 */
export function resolveJwksUrl(config: PlatformConfig, hostsAuth: boolean, selfUrl: () => string | undefined): string | (() => string) | undefined {
  if (config.tokens.jwksUrl) return config.tokens.jwksUrl;
  if (hostsAuth) {
    return () => {
      const url = selfUrl();
      if (!url) throw new Error('JWKS requested before this process listens');
      return `${url}${JWKS_PATH}`;
    };
  }
  const authUpstream = config.upstreams.auth?.[0];
  return authUpstream ? `${authUpstream}${JWKS_PATH}` : undefined;
}

const noKeys: JWTVerifyGetKey = () => Promise.reject(new Error('No JWKS source: auth is not hosted here and AUTH_JWKS_URL is unset'));

/**
 * The verifier of this process. One of several processes (`--service`) without a key source
 * cannot verify anything, so it must not start; a single process without auth (tests of a
 * lone service) gets a verifier that answers 503 AUTH_KEYS_UNAVAILABLE.
 */
export function openTokenVerifier(config: PlatformConfig, opts: { hostsAuth: boolean; separateProcesses: boolean; selfUrl: () => string | undefined }): TokenVerifier {
  const jwksUrl = resolveJwksUrl(config, opts.hostsAuth, opts.selfUrl);
  if (!jwksUrl && opts.separateProcesses) {
    throw new ConfigError([{
      variable: 'AUTH_JWKS_URL',
      problem: `is required when auth runs in another process and VERSAAI_UPSTREAMS names no auth URL (e.g. http://auth:8080${JWKS_PATH})`,
    }]);
  }
  return createTokenVerifier({
    keys: jwksUrl ? remoteKeySet(jwksUrl) : noKeys,
    issuer: config.tokens.issuer,
    audience: config.tokens.audience,
  });
}

/** With REDIS_URL, auth's revocations reach every gateway replica; without it one process is the whole platform. */
export function openRevocationList(config: PlatformConfig): RevocationList {
  if (!config.redisUrl) return createMemoryRevocationList();
  return createRedisRevocationList({ url: config.redisUrl, prefix: `${config.redisPrefix}revoked:` });
}

/** With REDIS_URL, a response streamed by the AI service on one process reaches sockets on every chat replica. */
export function openResponseStreams(config: PlatformConfig): ResponseStreamStore {
  const { retentionMs } = config.responseStreams;
  if (!config.redisUrl) return createMemoryResponseStreamStore({ retentionMs });
  return createRedisResponseStreamStore({ url: config.redisUrl, prefix: config.redisPrefix, retentionMs });
}

/** With REDIS_URL, a notification published by a service on one replica reaches subscribers on every replica. */
export function openPubSub(config: PlatformConfig): PubSub {
  if (!config.redisUrl) return createMemoryPubSub();
  return createRedisPubSub({ url: config.redisUrl, prefix: `${config.redisPrefix}pubsub:` });
}
