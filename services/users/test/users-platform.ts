import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { createEmbeddedTransport, createEvent, encodeEvent, streamFor, type BusTransport, type EventEnvelope } from '@versaai/events';
import { startPlatform, type RunningPlatform } from '@versaai/runtime';
import { createTestIssuer, observeEvents, waitFor, type DialectHarness, type TestIssuer, type TestTokenClaims } from '@versaai/testing';
import { usersService } from '../src/index.ts';

/**
 * The users service hosted with a stand-in auth that serves a test JWKS (the real auth cannot
 * log anyone in yet), an event producer playing auth on the same embedded bus, and an observer
 * group reading what the users service publishes.
 */
export interface UsersPlatform {
  platform: RunningPlatform;
  issuer: TestIssuer;
  db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  publish(event: EventEnvelope): Promise<void>;
  /** Publishes user.registered as auth would and waits for the profile row. */
  register(userId: string, email: string, displayName?: string): Promise<void>;
  /** Sends a request with a token of `as` (or none). */
  call(opts: { method?: string; url: string; as?: TestTokenClaims; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  /** Every user.updated the users service published since the previous call, waiting for at least `atLeast`. */
  published(atLeast?: number): Promise<EventEnvelope[]>;
  stop(): Promise<void>;
}

export async function startUsersPlatform(harness: DialectHarness): Promise<UsersPlatform> {
  const issuer = await createTestIssuer();
  const platform = await startPlatform({
    services: [issuer.fakeAuthService, usersService],
    env: {
      PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG ?? 'silent', VERSAAI_DATA_DIR: harness.dataDir,
      DATABASE_URL: harness.databaseUrl ?? '', BUS_BLOCK_MS: '100',
    },
  });
  const bus: BusTransport = createEmbeddedTransport({ file: join(harness.dataDir, 'bus.db') });
  const db = platform.services.get('users')!.context.db;

  const publish = async (event: EventEnvelope) => {
    await bus.append([{ stream: streamFor(event.type), payload: encodeEvent(event) }]);
  };

  // Auth's events on the same stream are not what these tests observe.
  const observed = await observeEvents(harness.dataDir, ['user.updated'], (event) => event.source === 'users');

  return {
    platform,
    issuer,
    db,
    publish,
    async register(userId, email, displayName) {
      await publish(createEvent('user.registered', { userId, email, ...(displayName ? { displayName } : {}), registeredAt: new Date().toISOString() }, { source: 'auth', key: userId }));
      await waitFor(async () => (await db.selectFrom('profiles').select('user_id').where('user_id', '=', userId).executeTakeFirst()) ?? undefined);
    },
    async call({ method = 'GET', url, as, body, headers = {} }) {
      const authorization = as ? { authorization: await issuer.bearer(as) } : {};
      return platform.app.inject({ method: method as 'GET', url, headers: { ...authorization, ...headers }, ...(body === undefined ? {} : { payload: body as object }) });
    },
    async published(atLeast = 0) {
      return observed.take(atLeast);
    },
    async stop() {
      await observed.close();
      await bus.close();
      await platform.stop();
    },
  };
}
