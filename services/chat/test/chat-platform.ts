import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { createEmbeddedTransport, createEvent, encodeEvent, streamFor, type BusTransport, type EventEnvelope, type EventType } from '@versaai/events';
import { defineService, startPlatform, type RunningPlatform, type ServiceContext } from '@versaai/runtime';
import { createTestIssuer, observeEvents, waitFor, type DialectHarness, type TestIssuer, type TestTokenClaims } from '@versaai/testing';
import { chatCoreHandlers, chatCoreRoutes, chatDeps } from '../src/chat-core.ts';
import type { ChatDeps } from '../src/chat-deps.ts';
import type { ChatNotification } from '../src/realtime/chat-notifier.ts';
import { chatMigrations } from '../src/migrations/index.ts';
import type { Db } from '../src/rows.ts';

/** The chat core alone (conversations, messages, handlers, reaper): these tests do not depend on the real-time channel. */
const chatCoreService = defineService({
  name: 'chat',
  migrations: chatMigrations,
  routes: chatCoreRoutes,
  handlers: chatCoreHandlers,
});

/**
 * The chat core hosted with a stand-in auth that serves a test JWKS, a producer playing the AI
 * service and auth on the same embedded bus, an observer group reading what chat publishes,
 * and a recorder of the notifications chat sends.
 */
export interface ChatPlatform {
  platform: RunningPlatform;
  issuer: TestIssuer;
  context: ServiceContext;
  db: Db;
  deps: ChatDeps;
  notifications: { userId: string; message: ChatNotification }[];
  call(opts: { method?: string; url: string; as?: string | TestTokenClaims; body?: unknown }): Promise<LightMyRequestResponse>;
  /** Publishes an event as another service would. */
  publish<T extends EventType>(type: T, data: Parameters<typeof createEvent<T>>[1], source?: string): Promise<EventEnvelope>;
  /** Appends this very envelope again (same id), as an at-least-once bus may. */
  redeliver(event: EventEnvelope): Promise<void>;
  /** Every event of `type` chat published since the previous call, waiting for at least `atLeast`. */
  published(type: 'message.sent', atLeast?: number): Promise<EventEnvelope[]>;
  /** Waits until the handler of `event` committed (its inbox row exists). */
  handled(event: EventEnvelope): Promise<void>;
  stop(): Promise<void>;
}

export async function startChatPlatform(harness: DialectHarness, env: Record<string, string> = {}): Promise<ChatPlatform> {
  const issuer = await createTestIssuer();
  const platform = await startPlatform({
    services: [issuer.fakeAuthService, chatCoreService],
    env: {
      PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG ?? 'silent', VERSAAI_DATA_DIR: harness.dataDir,
      DATABASE_URL: harness.databaseUrl ?? '', BUS_BLOCK_MS: '100', ...env,
    },
  });
  const context = platform.services.get('chat')!.context;
  const deps = chatDeps(context);
  const notifications: ChatPlatform['notifications'] = [];
  // Records what the routes and handlers tell the user's devices, on the notifier they really use.
  const notifier = deps.notifier;
  deps.notifier = {
    notify(userId, message) {
      notifications.push({ userId, message });
      notifier.notify(userId, message);
    },
  };

  const bus: BusTransport = createEmbeddedTransport({ file: join(harness.dataDir, 'bus.db') });
  const observed = await observeEvents(harness.dataDir, ['message.sent']);

  return {
    platform,
    issuer,
    context,
    db: context.db,
    deps,
    notifications,
    async call({ method = 'GET', url, as, body }) {
      const claims = typeof as === 'string' ? { sub: as } : as;
      const authorization = claims ? { authorization: await issuer.bearer(claims) } : {};
      return platform.app.inject({ method: method as 'GET', url: `/api/chat${url}`, headers: authorization, ...(body === undefined ? {} : { payload: body as object }) });
    },
    async publish(type, data, source = 'ai') {
      const event = createEvent(type, data, { source, key: (data as { conversationId?: string }).conversationId ?? null });
      await bus.append([{ stream: streamFor(event.type), payload: encodeEvent(event) }]);
      return event;
    },
    async redeliver(event) {
      await bus.append([{ stream: streamFor(event.type), payload: encodeEvent(event) }]);
    },
    async published(_type, atLeast = 0) {
      return observed.take(atLeast);
    },
    async handled(event) {
      await waitFor(async () => (await context.db.selectFrom('versaai_inbox').select('event_id').where('event_id', '=', event.id).executeTakeFirst()) ?? undefined, { timeoutMs: 10_000 });
    },
    async stop() {
      await observed.close();
      await bus.close();
      await platform.stop();
    },
  };
}
