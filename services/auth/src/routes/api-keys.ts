import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { problem } from '@versaai/kernel';
import { API_KEY_SCOPES } from '@versaai/identity';
import type { ServiceContext } from '@versaai/runtime';
import { displayPrefix, formatApiKey } from '../api-keys/api-key-format.ts';
import { apiKeysRepository, type ApiKeyRecord } from '../api-keys/api-keys-repository.ts';
import { REVOCATION_TTL_MS } from '../core-ports.ts';
import { generateSecret, hashSecret } from '../secret-token.ts';
import { authenticateLiveSession } from './live-session.ts';

/** Enough for every program a person runs; a bound so one account cannot fill the table. */
export const MAX_API_KEYS_PER_USER = 50;
const MAX_EXPIRY_DAYS = 3_650;

const createBody = {
  type: 'object', required: ['name', 'scopes'], additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    scopes: { type: 'array', minItems: 1, maxItems: API_KEY_SCOPES.length, uniqueItems: true, items: { type: 'string', enum: [...API_KEY_SCOPES] } },
    expiresInDays: { type: 'integer', minimum: 1, maximum: MAX_EXPIRY_DAYS },
  },
} as const;

const keyMetadata = {
  type: 'object',
  required: ['id', 'name', 'scopes', 'prefix', 'createdAt', 'lastUsedAt', 'expiresAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' } },
    prefix: { type: 'string' },
    createdAt: { type: 'string' },
    lastUsedAt: { type: ['string', 'null'] },
    expiresAt: { type: ['string', 'null'] },
  },
} as const;

const created = { ...keyMetadata, required: [...keyMetadata.required, 'key'], properties: { ...keyMetadata.properties, key: { type: 'string' } } } as const;
const keyList = { type: 'object', required: ['apiKeys'], properties: { apiKeys: { type: 'array', items: keyMetadata } } } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;

interface CreateBody { name: string; scopes: string[]; expiresInDays?: number }

/** The list shape of a key: never the secret nor its hash. */
export function keyView(key: ApiKeyRecord) {
  return {
    id: key.id, name: key.name, scopes: key.scopes, prefix: displayPrefix(key.id),
    createdAt: key.createdAt, lastUsedAt: key.lastUsedAt, expiresAt: key.expiresAt,
  };
}

export async function apiKeyRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const sessionOnly = authenticateLiveSession(ctx);

  app.post<{ Body: CreateBody }>('/api-keys', {
    schema: { body: createBody, response: { 201: created } },
    onRequest: sessionOnly,
  }, async (request, reply) => {
    const userId = request.identity!.userId;
    const now = new Date();
    const secret = generateSecret();
    const key = {
      id: uuidv7(),
      userId,
      name: request.body.name,
      scopes: [...request.body.scopes].sort(),
      secretHash: hashSecret(secret),
      createdAt: now.toISOString(),
      expiresAt: request.body.expiresInDays === undefined ? null : new Date(now.getTime() + request.body.expiresInDays * 86_400_000).toISOString(),
    };
    const inserted = await ctx.transaction(async (trx) => {
      if ((await apiKeysRepository.countForUser(trx, userId)) >= MAX_API_KEYS_PER_USER) return false;
      await apiKeysRepository.insert(trx, key);
      return true;
    });
    if (!inserted) throw problem.conflict('AUTH_API_KEY_LIMIT', `An account can hold at most ${MAX_API_KEYS_PER_USER} API keys; revoke one first.`);
    request.log.info({ userId, apiKeyId: key.id, scopes: key.scopes }, 'API key created');
    // The only time the full key is ever shown: only its hash is kept.
    return reply.code(201).send({ ...keyView({ ...key, lastUsedAt: null }), key: formatApiKey(key.id, secret) });
  });

  app.get('/api-keys', { schema: { response: { 200: keyList } }, onRequest: sessionOnly }, async (request) => {
    const keys = await apiKeysRepository.listForUser(ctx.db, request.identity!.userId);
    return { apiKeys: keys.map(keyView) };
  });

  app.delete<{ Params: { id: string } }>('/api-keys/:id', { schema: { params: idParams }, onRequest: sessionOnly }, async (request, reply) => {
    const userId = request.identity!.userId;
    // Scoped by owner: another user's key id reads as unknown (404), never as forbidden.
    if (!(await apiKeysRepository.deleteForOwner(ctx.db, userId, request.params.id))) {
      throw problem.notFound('AUTH_API_KEY_NOT_FOUND', 'No such API key.');
    }
    // Tokens already exchanged for this key stop at the gateway at once.
    await ctx.revocations.revoke([`ak_${request.params.id}`], REVOCATION_TTL_MS);
    request.log.info({ userId, apiKeyId: request.params.id }, 'API key revoked');
    return reply.code(204).send();
  });
}
