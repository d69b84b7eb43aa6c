import type { LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { defineService, startPlatform, type RunningPlatform, type ServiceContext } from '@versaai/runtime';
import { createTestIssuer, type DialectHarness, type TestIssuer, type TestTokenClaims } from '@versaai/testing';
import type { FastifyInstance } from 'fastify';
import { chatMigrations } from '../src/migrations/index.ts';

/**
 * A `chat` service made of the route plugins under test only (search, export, shares) on the
 * real chat migrations, with a stand-in auth serving a test JWKS: the conversation flow and
 * the AI service are not needed to test what reads the stored rows.
 */
export interface ChatRoutesPlatform {
  platform: RunningPlatform;
  db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  call(opts: { method?: string; url: string; as?: TestTokenClaims; body?: unknown }): Promise<LightMyRequestResponse>;
  stop(): Promise<void>;
}

export async function startChatRoutes(
  harness: DialectHarness,
  plugins: Array<(app: FastifyInstance, ctx: ServiceContext) => Promise<void>>,
  env: NodeJS.ProcessEnv = {},
): Promise<ChatRoutesPlatform> {
  const issuer: TestIssuer = await createTestIssuer();
  const chat = defineService({
    name: 'chat',
    migrations: chatMigrations,
    async routes(app, ctx) {
      for (const plugin of plugins) await plugin(app, ctx);
    },
  });
  const platform = await startPlatform({
    services: [issuer.fakeAuthService, chat],
    env: {
      PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG ?? 'silent', VERSAAI_DATA_DIR: harness.dataDir,
      DATABASE_URL: harness.databaseUrl ?? '', BUS_BLOCK_MS: '100', ...env,
    },
  });
  return {
    platform,
    db: platform.services.get('chat')!.context.db,
    async call({ method = 'GET', url, as, body }) {
      const headers = as ? { authorization: await issuer.bearer(as) } : {};
      return platform.app.inject({ method: method as 'GET', url, headers, ...(body === undefined ? {} : { payload: body as object }) });
    },
    stop: () => platform.stop(),
  };
}
