import type { FastifyInstance } from 'fastify';
import type { AuthCoreRuntime } from '../core.ts';

const jwksSchema = {
  type: 'object',
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object', required: ['kty', 'crv', 'x', 'kid', 'alg', 'use'],
        properties: { kty: { type: 'string' }, crv: { type: 'string' }, x: { type: 'string' }, kid: { type: 'string' }, alg: { type: 'string' }, use: { type: 'string' } },
        // The response schema is also a filter: nothing but these public members can leave.
        additionalProperties: false,
      },
    },
  },
} as const;

/** The public keys verifiers (gateway, services) check access tokens with. */
export async function jwksRoute(app: FastifyInstance, core: AuthCoreRuntime): Promise<void> {
  app.get('/.well-known/jwks.json', { schema: { response: { 200: jwksSchema } } }, async (_request, reply) => {
    // Verifiers refetch on an unknown kid anyway; five minutes spares auth the rest.
    reply.header('cache-control', 'public, max-age=300');
    return core.keys.jwks();
  });
}
