import { createEvent, type EventData, type EventEnvelope } from '@versaai/events';
import { defineService, startPlatform, type RunningPlatform, type ServiceContext, type ServiceDefinition } from '@versaai/runtime';
import { createTestIssuer, tempDataDir, type TestIssuer } from '@versaai/testing';
import { createAiService } from '../../src/worker/ai-service.ts';
import type { GenerationCore } from '../../src/worker/generation-core.ts';

export interface AiTestPlatform {
  platform: RunningPlatform;
  issuer: TestIssuer;
  ctx: ServiceContext;
  /** Every ai.response.generated and conversation.title.generated the bus delivered to an observing consumer. */
  events: EventEnvelope[];
  /** Publishes a message.sent as the chat service would (through the ai service's own outbox). */
  send(data: Partial<EventData<'message.sent'>> & { responseId: string; userId: string }): Promise<void>;
  stop(): Promise<void>;
}

/** The ai service alone (given a generation core, or the real service definition) (with a stand-in auth serving the JWKS), on SQLite unless env says otherwise. */
export async function startAiPlatform(core: GenerationCore | ServiceDefinition, env: Record<string, string> = {}): Promise<AiTestPlatform> {
  const dataDir = await tempDataDir();
  const issuer = await createTestIssuer();
  const events: EventEnvelope[] = [];
  const observer = defineService({
    name: 'observer',
    migrations: [],
    async routes() {},
    handlers: () => ({
      'ai.response.generated': async (event) => { events.push(event); },
      'conversation.title.generated': async (event) => { events.push(event); },
    }),
  });
  const platform = await startPlatform({
    services: [issuer.fakeAuthService, 'generator' in core ? createAiService({ openCore: async () => core }) : core, observer],
    env: { PORT: '0', HOST: '127.0.0.1', VERSAAI_DATA_DIR: dataDir.dir, LOG_LEVEL: 'silent', BUS_BLOCK_MS: '100', AI_STREAM_FLUSH_INTERVAL: '5', ...env },
  });
  const ctx = platform.services.get('ai')!.context;
  return {
    platform,
    issuer,
    ctx,
    events,
    async send(data) {
      const event = createEvent('message.sent', {
        conversationId: data.conversationId ?? `conv-${data.responseId}`,
        messageId: data.messageId ?? `msg-${data.responseId}`,
        content: data.content ?? 'Hi there',
        history: data.history ?? [],
        parameters: data.parameters ?? {},
        generateTitle: data.generateTitle ?? false,
        ...data,
      }, { source: 'chat', key: data.conversationId ?? `conv-${data.responseId}` });
      await ctx.transaction(async (_trx, publish) => publish([event]));
    },
    async stop() {
      await platform.stop();
      await dataDir.remove();
    },
  };
}
