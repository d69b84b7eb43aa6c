import type { FastifyInstance } from 'fastify';
import { ProblemError } from '@versaai/kernel';
import type { Role } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import { parseApiKey } from '../api-keys/api-key-format.ts';
import { apiKeysRepository } from '../api-keys/api-keys-repository.ts';
import type { AuthCore } from '../core-ports.ts';
import { hashSecret, sameDigest } from '../secret-token.ts';

const exchangeBody = {
  type: 'object', required: ['apiKey'], additionalProperties: false,
  properties: { apiKey: { type: 'string', minLength: 1, maxLength: 256 } },
} as const;

const exchanged = {
  type: 'object', required: ['accessToken', 'tokenType', 'expiresIn'],
  properties: { accessToken: { type: 'string' }, tokenType: { type: 'string' }, expiresIn: { type: 'integer' } },
} as const;

/** last_used_at is written at most this often per key: the exchange stays read-only most of the time. */
const LAST_USED_RESOLUTION_MS = 60_000;

function invalidApiKey(): ProblemError {
  return new ProblemError({
    status: 401, code: 'AUTH_API_KEY_INVALID', detail: 'The API key is invalid or revoked.', headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

/**
 * The gateway trades an API key for a short-lived access token here. Unknown, revoked and
 * expired keys and keys of disabled accounts get one and the same 401.
 */
export async function apiKeyExchangeRoute(app: FastifyInstance, ctx: ServiceContext, core: AuthCore): Promise<void> {
  app.post<{ Body: { apiKey: string } }>('/api-keys/exchange', {
    schema: { body: exchangeBody, response: { 200: exchanged } },
  }, async (request) => {
    const parsed = parseApiKey(request.body.apiKey);
    if (!parsed) throw invalidApiKey();
    const key = await apiKeysRepository.findWithOwner(ctx.db, parsed.id);
    // The digest is compared even for a missing row, so a miss costs what a bad secret costs.
    const digestMatches = sameDigest(hashSecret(parsed.secret), key?.secretHash ?? '0'.repeat(64));
    const now = Date.now();
    if (!key || !digestMatches || key.ownerStatus !== 'active' || (key.expiresAt !== null && Date.parse(key.expiresAt) <= now)) {
      throw invalidApiKey();
    }
    const { token, expiresIn } = await core.signAccessToken({
      sub: key.userId, role: key.ownerRole as Role, sid: `ak_${key.id}`, kind: 'api_key', scope: key.scopes.join(' '),
    });
    if (key.lastUsedAt === null || now - Date.parse(key.lastUsedAt) >= LAST_USED_RESOLUTION_MS) {
      await apiKeysRepository.touch(ctx.db, key.id, new Date(now).toISOString());
    }
    return { accessToken: token, tokenType: 'Bearer', expiresIn };
  });
}
