import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ProblemError } from '@versaai/kernel';
import type { Identity, TokenVerifier } from '@versaai/identity';

/** Where auth trades an API key for an access token. */
export const API_KEY_EXCHANGE_PATH = '/api/auth/api-keys/exchange';

/** One call to auth's exchange endpoint: in-process (all-in-one) or over HTTP. */
export type ExchangeCall = (apiKey: string) => Promise<{ status: number; body: unknown }>;

export interface Exchanged { accessToken: string; identity: Identity }

export interface ApiKeyExchange {
  exchange(apiKey: string): Promise<Exchanged>;
  /** What `exchange` would answer at once from its cache; undefined when it would call auth. */
  cached(apiKey: string): Exchanged | undefined;
  /** True while an exchanged token may still be forwarded (the same rule as the cache's). */
  fresh(exchanged: Exchanged): boolean;
}

function invalidApiKey(): ProblemError {
  return new ProblemError({
    status: 401, code: 'AUTH_API_KEY_INVALID', detail: 'The API key is invalid or revoked.', headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

/**
 * API keys are opaque and checked by auth (which stores them hashed); the edge trades one for
 * a short-lived access token and keeps it until shortly before it expires, so a busy key
 * costs auth one call per token lifetime. The cache is keyed by the key's hash, never the
 * key. A revoked key stops at once anyway: its id is on the revocation list.
 */
export function createApiKeyExchange(opts: { call: ExchangeCall; verifier: TokenVerifier; now?: () => number; cacheSize?: number }): ApiKeyExchange {
  const now = opts.now ?? Date.now;
  const cache = new LRUCache<string, Exchanged>({ max: opts.cacheSize ?? 10_000 });
  const inFlight = new Map<string, Promise<Exchanged>>();

  async function fetchToken(apiKey: string): Promise<Exchanged> {
    const { status, body } = await opts.call(apiKey);
    if (status === 401 || status === 403 || status === 400) throw invalidApiKey();
    const accessToken = (body as { accessToken?: unknown } | undefined)?.accessToken;
    if (status !== 200 || typeof accessToken !== 'string') {
      throw new ProblemError({ status: 503, code: 'AUTH_UNAVAILABLE', detail: 'API keys cannot be checked right now.', headers: { 'retry-after': '5' } });
    }
    return { accessToken, identity: await opts.verifier.verify(accessToken) };
  }

  // Renewed 30 s early so a forwarded token never expires on its way to the service.
  const fresh = (exchanged: Exchanged): boolean => exchanged.identity.expiresAt - 30 > now() / 1000;
  const hashOf = (apiKey: string): string => createHash('sha256').update(apiKey).digest('hex');

  return {
    fresh,
    cached(apiKey) {
      const cached = cache.get(hashOf(apiKey));
      return cached && fresh(cached) ? cached : undefined;
    },
    async exchange(apiKey) {
      const id = hashOf(apiKey);
      const cached = cache.get(id);
      if (cached && fresh(cached)) return cached;
      let pending = inFlight.get(id);
      if (!pending) {
        pending = fetchToken(apiKey).finally(() => inFlight.delete(id));
        inFlight.set(id, pending);
      }
      const exchanged = await pending;
      cache.set(id, exchanged);
      return exchanged;
    },
  };
}
